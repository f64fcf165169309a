package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * This node in the election, started and stopped with the application context: its
 * session in etcd and one election per role.
 * <p>
 * It starts after the web server, so the address it advertises already serves. It lets
 * its roles go at the first moment of shutdown (the {@code ContextClosedEvent}), before
 * other lifecycle beans stop and before the web server drains: each active role lets its
 * work end and gives the role to its successor in one etcd write; then the node revokes
 * its lease, which deletes its sessions (and the ACTIVE key of a role no successor could
 * take) at once, so a standby takes over in milliseconds rather than after a TTL.
 *
 * @since 0.1.0
 */
public final class ElectionNode implements ActiveStandby, SmartLifecycle, DisposableBean,
		ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

	/**
	 * The lifecycle phase: after the web server starts (it starts in
	 * {@code DEFAULT_PHASE - 1024}), and so stopped before it.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Log logger = LogFactory.getLog(ElectionNode.class);

	private static final Duration LISTENER_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

	private final Map<String, RoleHandle> roles;

	private final @Nullable NodeSession session;

	private final @Nullable EpochKeeper epochs;

	private final Lanes lanes;

	private final Duration requestTimeout;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private volatile boolean running;

	private volatile @Nullable ApplicationContext context;

	/**
	 * Creates a node.
	 * @param client the etcd client, or {@code null} if no role runs in active-standby
	 * mode
	 * @param settings the node's settings
	 * @param definitions the roles this node serves
	 * @param publisher where role transition events go
	 * @param sessionLossAction what to run when the session is lost, for example to exit
	 * the process as Milvus does, or {@code null} to step down and rejoin
	 * @param observer watches the election, for metrics
	 */
	public ElectionNode(@Nullable Client client, ElectionSettings settings, List<RoleDefinition> definitions,
			ApplicationEventPublisher publisher, @Nullable Runnable sessionLossAction, ElectionObserver observer) {
		this((client != null) ? new JetcdGateway(client, settings.requestTimeout(), settings.endpoints()) : null,
				settings, definitions, publisher, sessionLossAction, observer, new ElectionExecutors(),
				ElectionTrace.NONE);
	}

	ElectionNode(@Nullable EtcdGateway client, ElectionSettings settings, List<RoleDefinition> definitions,
			ApplicationEventPublisher publisher, @Nullable Runnable sessionLossAction, ElectionObserver observer,
			Lanes lanes, ElectionTrace trace) {
		boolean elected = definitions.stream().anyMatch(RoleDefinition::activeStandby);
		Assert.isTrue(!elected || client != null, "An etcd client is needed for roles in active-standby mode");
		this.lanes = lanes;
		this.requestTimeout = settings.requestTimeout();
		EtcdKeys keys = new EtcdKeys(settings.rootPath(), settings.metaSubPath());
		Lane sessionLane = lanes.session();
		EpochKeeper epochs = null;
		EtcdGateway etcd = client;
		if (client != null && elected) {
			EpochKeeper[] keeper = new EpochKeeper[1];
			etcd = new HistoryGateway(client,
					new EtcdHistory((revision, highest) -> keeper[0].rewound(revision, highest)));
			keeper[0] = new EpochKeeper(etcd, keys, sessionLane);
			epochs = keeper[0];
		}
		NodeSession session = (epochs != null && etcd != null)
				? new NodeSession(etcd, new ServerIdAllocator(etcd, keys), settings.sessionTtl(),
						settings.requestTimeout(), observer, sessionLane)
				: null;
		NodeIdentity identity = new NodeIdentity(settings.address(), settings.hostName(), settings.version());
		Map<String, RoleHandle> roles = new LinkedHashMap<>();
		for (RoleDefinition definition : definitions) {
			TransitionPublisher events = new TransitionPublisher(publisher, lanes.events(definition.name()));
			if (definition.activeStandby() && session != null && etcd != null && epochs != null) {
				RoleKeys roleKeys = new RoleKeys(keys, definition.name());
				Lane lane = lanes.role(definition.name());
				RoleAnnouncer announcer = new RoleAnnouncer(definition.name(), roleKeys.serverName(), lane, events,
						this, observer, session::serverId);
				Candidacy candidacy = definition.candidacy();
				RoleActor actor = new RoleActor(definition.name(), roleKeys,
						new RoleStore(etcd, roleKeys, identity, candidacy), lane, announcer, session, observer,
						settings.requestTimeout(), candidacy, trace);
				session.addListener(actor);
				session.addProbe(actor::probe);
				epochs.addListener(actor);
				roles.put(definition.name(), actor);
			}
			else {
				roles.put(definition.name(), new StaticRole(definition.name(), events, this));
			}
		}
		if (session != null && epochs != null) {
			session.addListener(epochs);
		}
		this.epochs = epochs;
		if (session != null && sessionLossAction != null) {
			session.addListener(new SessionLossTrigger(sessionLossAction));
		}
		this.session = session;
		this.roles = Collections.unmodifiableMap(roles);
	}

	@Override
	public boolean isActive(String role) {
		return role(role).isActive();
	}

	@Override
	public RoleStatus status(String role) {
		return role(role).status();
	}

	@Override
	public Map<String, RoleStatus> statuses() {
		Map<String, RoleStatus> statuses = new TreeMap<>();
		this.roles.forEach((name, role) -> statuses.put(name, role.status()));
		return Collections.unmodifiableMap(statuses);
	}

	@Override
	public FencingToken fencingToken(String role) {
		return role(role).fencingToken();
	}

	@Override
	public Cmp fencingGuard(String role) {
		return role(role).fencingGuard();
	}

	@Override
	public Cmp fencingGuard(FencingToken token) {
		return role(token.role()).fencingGuard(token);
	}

	@Override
	public Cmp epochGuard(FencingToken token) {
		return role(token.role()).epochGuard(token);
	}

	/**
	 * The epoch guard of a token in the gateway's terms, for the simulation's writers.
	 */
	EtcdGateway.Compare epochCompare(FencingToken token) {
		return ((RoleActor) role(token.role())).epochCompare(token);
	}

	@Override
	public void tokenRefused(FencingToken refused, long highestAccepted) {
		role(refused.role());
		if (this.epochs != null && refused.value() < highestAccepted) {
			this.epochs.raiseAbove(highestAccepted >>> FencingToken.REVISION_BITS);
		}
	}

	/**
	 * Reads every registered session of a role from etcd, on the caller's thread and
	 * within the request timeout. A role with active-standby disabled has none.
	 * @param role the role's name
	 * @return the sessions
	 * @throws Exception if etcd cannot be read
	 */
	public List<RegisteredSession> registeredSessions(String role) throws Exception {
		return role(role).registeredSessions();
	}

	/**
	 * This node's place in line for a role, as its own view of etcd shows it, without a
	 * read: {@code 1} takes the role next when the active gives it up; {@code 0} while
	 * this node is active, has no session, or cannot take the role, and for a role whose
	 * active-standby mode is disabled.
	 * @param role the role's name
	 * @return the rank
	 */
	public int rank(String role) {
		return role(role).rank();
	}

	/**
	 * Why this node has no session in etcd now, for example "etcd at ... cannot be
	 * reached", or empty if it has one (or needs none).
	 * @return the problem
	 */
	public Optional<String> sessionProblem() {
		return (this.session != null) ? Optional.ofNullable(this.session.problem()) : Optional.empty();
	}

	@Override
	public Handover handOver(String role) {
		return role(role).handOver(0);
	}

	@Override
	public Handover handOver(String role, long serverId) {
		if (serverId <= 0) {
			throw new IllegalArgumentException(
					"A server ID is positive, got " + serverId + "; omit it to hand the role to the best standby");
		}
		return role(role).handOver(serverId);
	}

	/**
	 * Asks for a handover of an elected role without waiting for the answer.
	 */
	CompletableFuture<Handover> requestHandOver(String role, long serverId) {
		return (role(role) instanceof RoleActor actor) ? actor.requestHandOver(serverId)
				: CompletableFuture.completedFuture(role(role).handOver(serverId));
	}

	private RoleHandle role(String name) {
		RoleHandle role = this.roles.get(name);
		if (role == null) {
			throw new IllegalArgumentException("Unknown role '" + name + "'; this node serves " + this.roles.keySet()
					+ ". A node serves the roles it configures (rootCoord.activeStandby.enabled, ..., or"
					+ " ha.roles.<name>) or uses (@ActiveOnly, @RoleBound, a role's event listener); names are"
					+ " case-sensitive");
		}
		return role;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts letting the roles go at the first moment of shutdown, before any lifecycle
	 * bean stops and before the web server drains: an active role's work ends and the
	 * role goes to its successor while the application still serves; {@link #stop()} then
	 * waits for that.
	 */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (this.running && event.getApplicationContext() == this.context) {
			stopRoles();
		}
	}

	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			this.roles.values().forEach(RoleHandle::start);
			if (this.session != null) {
				this.session.start();
			}
			this.running = true;
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Stops the node on the lifecycle thread: every role lets go (an active one once its
	 * work has ended), then the lease is revoked, then the role events are published.
	 * Bounded: a role that does not let go in time is left to its lease.
	 */
	@Override
	public void stop() {
		this.lifecycleLock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			Duration bound = RoleMachine.DRAIN_LIMIT.plus(this.requestTimeout.multipliedBy(2));
			try {
				stopRoles().get(bound.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				logger.warn("The roles of this node did not let go within " + bound.toSeconds()
						+ "s; closing the session anyway");
			}
			closeSession().get(this.requestTimeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
			this.roles.values().forEach((role) -> role.close(LISTENER_SHUTDOWN_TIMEOUT));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Could not close the session in time; etcd frees its keys when its TTL runs out");
		}
		finally {
			this.lanes.shutdown();
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Stops every role at once.
	 * @return completes when all have let go
	 */
	CompletableFuture<Void> stopRoles() {
		return CompletableFuture
			.allOf(this.roles.values().stream().map(RoleHandle::stop).toArray(CompletableFuture[]::new));
	}

	/**
	 * Closes the session, revoking its lease.
	 * @return completes when etcd has answered, or could not
	 */
	CompletableFuture<Void> closeSession() {
		if (this.epochs != null) {
			this.epochs.stop();
		}
		return (this.session != null) ? this.session.stop() : CompletableFuture.completedFuture(null);
	}

	/**
	 * Stops the node if the context is torn down without a lifecycle stop, for example
	 * after a failed refresh.
	 */
	@Override
	public void destroy() {
		stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Runs the configured action when the session is lost, off the session's lane.
	 */
	private record SessionLossTrigger(Runnable action) implements SessionListener {

		@Override
		public void sessionEstablished(SessionLease lease) {
		}

		@Override
		public void sessionUnavailable(String reason) {
		}

		@Override
		public void sessionLost(SessionLease lease, String reason) {
			Thread thread = new Thread(this.action, "ha-session-loss");
			// Not a daemon: the JVM must not end before the action (say, System.exit(1))
			// has run.
			thread.setDaemon(false);
			thread.start();
		}

	}

}
