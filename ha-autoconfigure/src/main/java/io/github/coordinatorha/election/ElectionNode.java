package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleStatus;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * This node in the election: its session in etcd and one election per role, started and
 * stopped with the application context.
 * <p>
 * It starts after the web server, so the address it advertises already serves, and
 * stops before the web server drains: the active steps down and revokes its lease at the
 * start of shutdown, which deletes its ACTIVE keys at once so a standby takes over in
 * milliseconds rather than after a TTL.
 *
 * @since 0.1.0
 */
public final class ElectionNode implements ActiveStandby, SmartLifecycle, DisposableBean {

	/**
	 * The lifecycle phase: after the web server starts (it starts in
	 * {@code DEFAULT_PHASE - 1024}), and so stopped before it.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Duration LISTENER_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

	private final Map<String, RoleHandle> roles;

	private final NodeSession session;

	private final ElectionObserver observer;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private volatile boolean running;

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
	public ElectionNode(Client client, ElectionSettings settings, List<RoleDefinition> definitions,
			ApplicationEventPublisher publisher, Runnable sessionLossAction, ElectionObserver observer) {
		boolean elected = definitions.stream().anyMatch(RoleDefinition::activeStandby);
		this.observer = observer;
		Assert.isTrue(!elected || client != null, "An etcd client is needed for roles in active-standby mode");
		EtcdKeys keys = new EtcdKeys(settings.rootPath(), settings.metaSubPath());
		this.session = elected ? new NodeSession(client.getLeaseClient(),
				new ServerIdAllocator(client.getKVClient(), keys, settings.requestTimeout()), settings.sessionTtl(),
				settings.requestTimeout(), observer, System::nanoTime) : null;
		NodeIdentity identity = new NodeIdentity(settings.address(), settings.hostName(), settings.version());
		Map<String, RoleHandle> roles = new LinkedHashMap<>();
		for (RoleDefinition definition : definitions) {
			TransitionPublisher events = new TransitionPublisher(publisher, definition.name());
			if (definition.activeStandby()) {
				RoleElection election = new RoleElection(definition.name(), client.getKVClient(),
						client.getWatchClient(), this.session, keys, identity, settings.requestTimeout(), events, this,
						observer, System::nanoTime);
				this.session.addListener(election);
				roles.put(definition.name(), election);
			}
			else {
				roles.put(definition.name(), new StaticRole(definition.name(), events, this));
			}
		}
		if (this.session != null && sessionLossAction != null) {
			this.session.addListener(new SessionLossTrigger(sessionLossAction));
		}
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
	 * Why this node has no session in etcd now, for example "etcd did not answer in
	 * time", or empty if it has one (or needs none).
	 * @return the problem
	 */
	public Optional<String> sessionProblem() {
		return (this.session != null) ? Optional.ofNullable(this.session.problem()) : Optional.empty();
	}

	@Override
	public Handover handOver(String role) {
		return role(role).handOver();
	}

	private RoleHandle role(String name) {
		RoleHandle role = this.roles.get(name);
		if (role == null) {
			throw new IllegalArgumentException("Unknown role '" + name + "'; this node serves " + this.roles.keySet()
					+ ". Role names are case-sensitive: rootCoord, queryCoord, dataCoord or a name under ha.roles");
		}
		return role;
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

	@Override
	public void stop() {
		this.lifecycleLock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			Map<RoleHandle, RoleStatus> farewells = new LinkedHashMap<>();
			this.roles.values().forEach((role) -> farewells.put(role, role.stop()));
			farewells.forEach((role, farewell) -> {
				if (farewell != null) {
					this.observer.releasing(role.name());
				}
			});
			if (this.session != null) {
				this.session.stop();
			}
			farewells.forEach((role, farewell) -> role.close(farewell, LISTENER_SHUTDOWN_TIMEOUT));
		}
		finally {
			this.lifecycleLock.unlock();
		}
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
	 * Runs the configured action when the session is lost, off the session thread.
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
			// Not a daemon: the JVM must not end before the action (say, System.exit(1)) has run.
			thread.setDaemon(false);
			thread.start();
		}

	}

}
