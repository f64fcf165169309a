package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Txn;

/**
 * One simulated node: the real {@link ElectionNode} (session, role actors, machines,
 * stores) on a {@link SimProcess}'s lanes, talking to {@link SimEtcd} through its own
 * {@link SimChannel}, one connection per member. While ACTIVE for a role it makes a
 * guarded write every {@link #WORK_INTERVAL}, as an application would, so the run can
 * check that etcd never accepts a write of an older term after a newer one.
 */
final class SimNode {

	static final String WORK_PREFIX = "sim/work/";

	static final long WORK_INTERVAL = 250_000_000L;

	private final SimWorld world;

	private final SimEtcd etcd;

	private final String name;

	private final SimClock clock;

	private final List<String> roles;

	private final SimSettings settings;

	private final EtcdKeys keys;

	private final FencedStore store;

	private SimProcess process;

	private SimChannel gateway;

	private SimEngineTap tap;

	private ElectionNode node;

	private int incarnation;

	private boolean running;

	private boolean stopping;

	private boolean failNextActivation;

	private long lastFailedActivation = Long.MIN_VALUE;

	SimNode(SimWorld world, SimEtcd etcd, String name, List<String> roles, SimSettings settings, FencedStore store) {
		this.store = store;
		this.world = world;
		this.etcd = etcd;
		this.name = name;
		this.clock = SimClock.drifting(world, settings.maxDrift());
		this.roles = roles;
		this.settings = settings;
		this.keys = new EtcdKeys(settings.rootPath(), "meta");
	}

	String name() {
		return this.name;
	}

	/**
	 * Starts a new process of this node (the first, or one after a crash or a stop).
	 */
	void start() {
		this.incarnation++;
		String processName = this.name + "." + this.incarnation;
		this.process = new SimProcess(this.world, processName, this.clock);
		this.gateway = new SimChannel(this.process, this.etcd, this.settings.requestTimeout(), this.settings.faults());
		ElectionSettings election = new ElectionSettings(this.settings.rootPath(), "meta", this.settings.ttl(),
				this.settings.requestTimeout(), () -> processName + ":8080", processName, "1.0", "sim");
		List<RoleDefinition> definitions = this.roles.stream().map((role) -> new RoleDefinition(role, true)).toList();
		ElectionTrace trace = this.world.tracing() ? (role, input, phase, effects) -> this.world
			.trace(processName + " " + role, input.toString(), phase.getClass().getSimpleName()) : ElectionTrace.NONE;
		this.tap = new SimEngineTap(this.gateway, this.etcd, this.world);
		this.node = new ElectionNode(this.tap, election, definitions, this::publish, null, new Drains(),
				new SimLanes(this.process), trace);
		this.node.start();
		this.running = true;
		this.stopping = false;
		Lane work = this.process.lane("work");
		work.schedule(() -> work(work), WORK_INTERVAL);
	}

	/**
	 * kill -9.
	 */
	void crash() {
		if (this.running) {
			this.running = false;
			this.process.crash();
		}
	}

	/**
	 * SIGTERM: the node lets its roles go, revokes its lease, and the process ends.
	 */
	void stopGracefully() {
		if (!this.running) {
			return;
		}
		this.stopping = true;
		SimProcess stopping = this.process;
		this.node.stopRoles().thenCompose((letGo) -> this.node.closeSession()).thenRun(() -> {
			if (this.process == stopping) {
				crash();
			}
		});
	}

	void pauseFor(long nanos) {
		if (this.running) {
			this.process.pauseFor(nanos);
		}
	}

	/**
	 * Asks the node to hand the role over; {@code handedOver} hears of a handover it
	 * confirms.
	 */
	void handOver(String role, java.util.function.LongConsumer handedOver) {
		if (this.running && !this.process.paused() && this.node.isActive(role)) {
			SimProcess asked = this.process;
			this.node.requestHandOver(role, 0).thenAccept((handover) -> {
				if (handover.isHandedOver() && this.process == asked) {
					handedOver.accept(handover.successorServerId());
				}
			});
		}
	}

	void failNextActivation() {
		this.failNextActivation = true;
	}

	/**
	 * When an activation of this node last failed, in world time.
	 */
	long lastFailedActivation() {
		return this.lastFailedActivation;
	}

	/**
	 * This node's server ID for the role now, or {@code 0}.
	 */
	long serverId(String role) {
		return this.running ? this.node.status(role).serverId() : 0;
	}

	SimChannel gateway() {
		return this.gateway;
	}

	/**
	 * What this node's engine heard from etcd.
	 */
	SimEngineTap heard() {
		return this.tap;
	}

	boolean running() {
		return this.running;
	}

	boolean paused() {
		return this.running && this.process.paused();
	}

	/**
	 * Undoes every fault of this node: a crashed or stopped node starts again, a paused
	 * one resumes, a cut one reconnects, and its network becomes good.
	 */
	void heal() {
		this.failNextActivation = false;
		if (!this.running || this.stopping) {
			// a stop under way (say, in a paused process) ends as a stop does: the
			// process goes
			crash();
			start();
			return;
		}
		this.process.resume();
		this.gateway.faults(SimFaults.none());
		this.gateway.reconnect();
	}

	/**
	 * Whether this node's published status is ACTIVE for the role now, by its own clock.
	 */
	boolean isActive(String role) {
		return this.running && this.node.isActive(role);
	}

	private void publish(Object event) {
		if (event instanceof BecameActiveEvent && this.failNextActivation) {
			this.failNextActivation = false;
			this.lastFailedActivation = this.world.now();
			throw new IllegalStateException("sim: the application could not load its metadata");
		}
	}

	private void work(Lane work) {
		for (String role : this.roles) {
			if (!this.node.isActive(role)) {
				continue;
			}
			try {
				FencingToken token = this.node.fencingToken(role);
				String activeKey = this.keys.activeKey(role.toLowerCase(java.util.Locale.ROOT));
				// the node's own epoch guard, as ActiveStandby.epochGuard builds it
				Compare epoch = this.node.epochCompare(token);
				this.gateway
					.txn(new Txn(
							List.of(Compare.modRevision(activeKey, Compare.Operator.EQUAL, token.revision()), epoch),
							List.of(new Operation.Put(WORK_PREFIX + role, Long.toString(token.value()), 0)), List.of()))
					.thenAccept((result) -> {
						// answered on this process's lane: a crashed process writes
						// nothing more
						if (result.succeeded()) {
							this.store.written(this.node, token);
						}
					});
			}
			catch (NotActiveException ex) {
				// lost the role between the two questions
			}
		}
		work.schedule(() -> work(work), WORK_INTERVAL);
	}

	/**
	 * Role work that takes a while to end when the node lets a role go, as
	 * {@code @ActiveOnly} calls in flight do.
	 */
	private final class Drains implements ElectionObserver {

		@Override
		public CompletionStage<Void> releasing(String role) {
			CompletableFuture<Void> ended = new CompletableFuture<>();
			long delay = (long) (SimNode.this.world.random().nextDouble() * 200_000_000L);
			SimNode.this.process.lane("drain").schedule(() -> ended.complete(null), delay);
			return ended;
		}

	}

	/**
	 * A store outside etcd that keeps the highest token it accepted per role and refuses
	 * lower ones, as the README tells users to build one; a refusal goes back to the
	 * node.
	 */
	interface FencedStore {

		void written(ElectionNode node, FencingToken token);

	}

	/**
	 * What every node of a run shares.
	 *
	 * @param ttl the session TTL asked for
	 * @param requestTimeout the deadline of every etcd call
	 * @param maxDrift the largest rate drift of a node's clock
	 * @param rootPath the root of the keys
	 * @param faults the network's faults at the start
	 */
	record SimSettings(Duration ttl, Duration requestTimeout, double maxDrift, String rootPath, SimFaults faults) {
	}

}
