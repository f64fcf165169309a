package io.github.coordinatorha.test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.autoconfigure.ConfiguredRoles;
import io.github.coordinatorha.election.RoleDefinition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * An election without etcd, driven by the test: {@link #becomeActive(String)} and
 * {@link #becomeStandby(String)} change a role's state and publish the
 * {@link BecameActiveEvent} or {@link BecameStandbyEvent} on the caller's thread, so
 * listeners, {@code @RoleBound} beans and Spring Integration's role endpoints have
 * finished when the call returns; {@code @ActiveOnly} methods follow at once.
 * <p>
 * Every ACTIVE term gets a new, higher {@link FencingToken}; this node is server ID
 * {@value #SERVER_ID} at {@value #ADDRESS}, and while STANDBY it sees server ID
 * {@value #OTHER_SERVER_ID} at {@value #OTHER_ADDRESS} as the active. As on a real node,
 * a {@link BecameActiveEvent} listener that throws gives the role up
 * ({@link TransitionReason#ACTIVATION_FAILED}).
 *
 * @see AutoConfigureTestElection
 * @since 0.1.0
 */
public class TestElection implements ActiveStandby, SmartLifecycle {

	/**
	 * This node's server ID.
	 */
	public static final long SERVER_ID = 1;

	/**
	 * This node's address.
	 */
	public static final String ADDRESS = "127.0.0.1:8080";

	/**
	 * The server ID of the other node, active while this one is STANDBY.
	 */
	public static final long OTHER_SERVER_ID = 2;

	/**
	 * The address of the other node.
	 */
	public static final String OTHER_ADDRESS = "127.0.0.2:8080";

	private static final Log logger = LogFactory.getLog(TestElection.class);

	private final Map<String, RoleStatus> statuses = new ConcurrentHashMap<>();

	private final Set<String> elected = new LinkedHashSet<>();

	private final Set<String> startActive;

	private final String metaRoot;

	private final String sessionRoot;

	private final ApplicationEventPublisher publisher;

	private long lastRevision;

	private volatile boolean running;

	/**
	 * Creates the election.
	 * @param roles the roles the application configures or uses
	 * @param active the roles to start ACTIVE for
	 * @param standby the roles to start STANDBY for
	 * @param rootPath the etcd root path, for the keys of {@link #fencingGuard(String)}
	 * @param metaSubPath the etcd meta sub-path
	 * @param publisher where the transition events go
	 */
	public TestElection(ConfiguredRoles roles, List<String> active, List<String> standby, String rootPath,
			String metaSubPath, ApplicationEventPublisher publisher) {
		this.publisher = publisher;
		this.metaRoot = trim(rootPath) + "/" + trim(metaSubPath) + "/";
		this.sessionRoot = this.metaRoot + "session/";
		this.startActive = new LinkedHashSet<>(active);
		List<String> known = roles.known().stream().map(RoleDefinition::name).toList();
		Set<String> named = new LinkedHashSet<>(active);
		named.addAll(standby);
		for (String role : named) {
			if (!known.contains(role)) {
				throw new IllegalStateException(
						"@AutoConfigureTestElection names '" + role + "', which is no role;" + " the roles are " + known
								+ " (names are case-sensitive; declare roles of your own under" + " ha.roles)");
			}
			if (active.contains(role) && standby.contains(role)) {
				throw new IllegalStateException(
						"@AutoConfigureTestElection names '" + role + "' both active and standby; name it once");
			}
		}
		for (RoleDefinition role : roles.roles()) {
			if (role.activeStandby()) {
				this.elected.add(role.name());
			}
		}
		this.elected.addAll(named);
		for (RoleDefinition role : roles.known()) {
			if (this.elected.contains(role.name()) || roles.roles().contains(role)) {
				this.statuses.put(role.name(), status(role.name(), RoleState.STANDBY, TransitionReason.STARTING, null));
			}
		}
	}

	/**
	 * Makes this node ACTIVE for the role in a new term and publishes
	 * {@link BecameActiveEvent}; does nothing if it is ACTIVE already.
	 * @param role the role
	 * @return the role's status once the listeners have run: STANDBY with
	 * {@link TransitionReason#ACTIVATION_FAILED} if one threw
	 * @throws IllegalStateException if the role has active-standby disabled
	 */
	public synchronized RoleStatus becomeActive(String role) {
		RoleStatus current = elected(role);
		if (current.isActive()) {
			return current;
		}
		RoleStatus active = status(role, RoleState.ACTIVE, TransitionReason.ELECTED,
				FencingToken.of(role, 0, ++this.lastRevision));
		this.statuses.put(role, active);
		try {
			this.publisher.publishEvent(new BecameActiveEvent(this, active));
		}
		catch (RuntimeException ex) {
			logger.warn("A BecameActiveEvent listener of role " + role + " failed (" + ex + "); giving the role up");
			return becomeStandby(role, TransitionReason.ACTIVATION_FAILED);
		}
		return this.statuses.get(role);
	}

	/**
	 * Makes this node STANDBY for the role, the other node being active, and publishes
	 * {@link BecameStandbyEvent}.
	 * @param role the role
	 * @return the role's status
	 * @throws IllegalStateException if the role has active-standby disabled
	 */
	public RoleStatus becomeStandby(String role) {
		return becomeStandby(role, TransitionReason.ANOTHER_NODE_ACTIVE);
	}

	/**
	 * Makes this node stop serving the role, for a reason of the test's choosing, and
	 * publishes {@link BecameStandbyEvent}, as a real node does: STANDBY for most
	 * reasons, JOINING for those that leave a real node without a session
	 * ({@link TransitionReason#SESSION_LOST}, {@link TransitionReason#ETCD_UNAVAILABLE});
	 * does nothing if it does not serve the role already.
	 * @param role the role
	 * @param reason why
	 * @return the role's status
	 * @throws IllegalStateException if the role has active-standby disabled
	 */
	public synchronized RoleStatus becomeStandby(String role, TransitionReason reason) {
		RoleStatus current = elected(role);
		if (!current.isActive() && current.reason() != TransitionReason.STARTING) {
			return current;
		}
		boolean noSession = reason == TransitionReason.SESSION_LOST || reason == TransitionReason.ETCD_UNAVAILABLE;
		RoleStatus standby = status(role, noSession ? RoleState.JOINING : RoleState.STANDBY, reason, null);
		this.statuses.put(role, standby);
		this.publisher.publishEvent(new BecameStandbyEvent(this, standby));
		return standby;
	}

	@Override
	public boolean isActive(String role) {
		return status(role).isActive();
	}

	@Override
	public RoleStatus status(String role) {
		RoleStatus status = this.statuses.get(role);
		if (status == null) {
			throw new IllegalArgumentException(
					"Unknown role '" + role + "'; this node serves " + new TreeMap<>(this.statuses).keySet());
		}
		return status;
	}

	@Override
	public Map<String, RoleStatus> statuses() {
		return Collections.unmodifiableMap(new TreeMap<>(this.statuses));
	}

	@Override
	public FencingToken fencingToken(String role) {
		RoleStatus status = status(role);
		if (status.reason() == TransitionReason.HA_DISABLED) {
			throw disabled(role);
		}
		if (!status.isActive()) {
			throw new NotActiveException(status);
		}
		FencingToken token = status.fencingToken();
		Assert.state(token != null, () -> "ACTIVE for " + role + " without a fencing token");
		return token;
	}

	@Override
	public Cmp fencingGuard(String role) {
		return fencingGuard(fencingToken(role));
	}

	@Override
	public Cmp fencingGuard(FencingToken token) {
		if (status(token.role()).reason() == TransitionReason.HA_DISABLED) {
			throw disabled(token.role());
		}
		if (!token.isFenced()) {
			throw new IllegalArgumentException("An unfenced token guards nothing");
		}
		ByteSequence key = ByteSequence.from(this.sessionRoot + token.role().toLowerCase(Locale.ROOT),
				StandardCharsets.UTF_8);
		return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(token.revision()));
	}

	/**
	 * The epoch guard of a test election: the terms it makes are all of epoch {@code 0},
	 * so the guard holds while the epoch key is absent, as on an etcd no node has seen
	 * rewound.
	 */
	@Override
	public Cmp epochGuard(FencingToken token) {
		if (status(token.role()).reason() == TransitionReason.HA_DISABLED) {
			throw disabled(token.role());
		}
		if (!token.isFenced()) {
			throw new IllegalArgumentException("An unfenced token guards nothing");
		}
		ByteSequence key = ByteSequence.from(this.metaRoot + "ha-epoch", StandardCharsets.UTF_8);
		return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
	}

	/**
	 * Does nothing: a test election has no etcd history to raise the epoch of.
	 */
	@Override
	public void tokenRefused(FencingToken refused, long highestAccepted) {
		status(refused.role());
	}

	@Override
	public synchronized Handover handOver(String role) {
		RoleStatus status = status(role);
		if (status.reason() == TransitionReason.HA_DISABLED) {
			return new Handover(role, Handover.Outcome.HA_DISABLED, 0,
					"Role '" + role + "' has active-standby disabled");
		}
		if (!status.isActive()) {
			return new Handover(role, Handover.Outcome.NOT_ACTIVE, 0, "This node is not ACTIVE for " + role);
		}
		becomeStandby(role, TransitionReason.RESIGNED);
		return new Handover(role, Handover.Outcome.HANDED_OVER, OTHER_SERVER_ID,
				"Handed " + role + " over to serverId " + OTHER_SERVER_ID);
	}

	/**
	 * Hands the role over to the other node of the test election, whose server ID is
	 * {@code OTHER_SERVER_ID}; any other server ID is no candidate.
	 */
	@Override
	public synchronized Handover handOver(String role, long serverId) {
		if (serverId != OTHER_SERVER_ID && status(role).isActive()) {
			return new Handover(role, Handover.Outcome.NOT_A_CANDIDATE, 0, "serverId " + serverId
					+ " has no live session for " + role + " that could take it; nothing was done");
		}
		return handOver(role);
	}

	/**
	 * Publishes each role's first state, as a real node does when it starts.
	 */
	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		for (String role : List.copyOf(this.statuses.keySet())) {
			if (!this.elected.contains(role)) {
				RoleStatus serving = new RoleStatus(role, RoleState.ACTIVE, TransitionReason.HA_DISABLED, 0, 0, null,
						null, Instant.now());
				this.statuses.put(role, serving);
				this.publisher.publishEvent(new BecameActiveEvent(this, serving));
			}
			else if (this.startActive.contains(role)) {
				becomeActive(role);
			}
			else {
				becomeStandby(role);
			}
		}
	}

	/**
	 * Steps down from every role, as a real node does when the application stops.
	 */
	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		for (RoleStatus status : List.copyOf(this.statuses.values())) {
			if (status.isActive()) {
				String role = status.role();
				RoleStatus stopped = new RoleStatus(role, RoleState.STANDBY, TransitionReason.SHUTDOWN,
						status.serverId(), 0, null, null, Instant.now());
				this.statuses.put(role, stopped);
				this.publisher.publishEvent(new BecameStandbyEvent(this, stopped));
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return io.github.coordinatorha.election.ElectionNode.PHASE;
	}

	private RoleStatus elected(String role) {
		RoleStatus status = status(role);
		if (!this.elected.contains(role)) {
			throw new IllegalStateException("Role '" + role + "' has active-standby disabled, so the test election"
					+ " does not drive it: name it in @AutoConfigureTestElection(active = ...) or (standby = ...)");
		}
		return status;
	}

	private static RoleStatus status(String role, RoleState state, TransitionReason reason,
			@Nullable FencingToken token) {
		boolean active = state == RoleState.ACTIVE;
		return new RoleStatus(role, state, reason, SERVER_ID, active ? SERVER_ID : OTHER_SERVER_ID,
				active ? ADDRESS : OTHER_ADDRESS, token, Instant.now());
	}

	private static IllegalStateException disabled(String role) {
		return new IllegalStateException(
				"Role '" + role + "' has active-standby disabled, so it has no term to fence" + " writes with");
	}

	private static String trim(String path) {
		String trimmed = path;
		while (trimmed.startsWith("/")) {
			trimmed = trimmed.substring(1);
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed;
	}

}
