package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Txn;
import io.github.coordinatorha.election.EtcdGateway.TxnResult;
import io.github.coordinatorha.election.SimNode.SimSettings;

/**
 * One seeded run of the simulation: three nodes with the real engine on simulated time
 * against the model of etcd, through stretches of faults chosen by the seed, each
 * followed by a quiet stretch. Checked at every step, and at the end of each quiet
 * stretch:
 * <ul>
 * <li>never two nodes whose published status is ACTIVE for a role at the same instant,
 * each by its own drifting clock;</li>
 * <li>every write etcd accepts under a fencing guard carries a token no lower than any
 * accepted before it (within one history of etcd: a wipe starts a new one);</li>
 * <li>once the faults stop and every node reaches etcd again, exactly one node is ACTIVE
 * for each role within {@link #recoveryBound()}, and stays so;</li>
 * <li>at rest, the election writes to etcd at most {@link #MAX_REST_WRITES_PER_MINUTE}
 * times a simulated minute (no loop without a delay).</li>
 * </ul>
 * A violation fails the run with its seed, the trace, and the command that replays it.
 */
final class SimRun {

	static final long SECOND = 1_000_000_000L;

	static final int MAX_REST_WRITES_PER_MINUTE = 6;

	private static final long BUSY_LOOP_EVENTS = 100_000;

	/**
	 * How late a message sent under the faults may still arrive: the slow tail of a flaky
	 * link.
	 */
	private static final long IN_FLIGHT_NANOS = 3 * SECOND;

	private static final List<List<String>> ROLE_SETS = List.of(List.of("rootCoord"),
			List.of("rootCoord", "queryCoord"));

	private final long seed;

	private final long seconds;

	private final SimWorld world;

	private final Random random;

	private final SimEtcd etcd;

	private final SimSettings settings;

	private final List<String> roles;

	private final List<SimNode> nodes = new ArrayList<>();

	private final List<SimWorld.Event> pendingFaults = new ArrayList<>();

	private final Map<String, Long> highestToken = new HashMap<>();

	private final Map<String, Integer> faultCounts = new HashMap<>();

	private long history;

	private final Map<String, Long> storeHighest = new HashMap<>();

	private long storeRefusals;

	private long lastStoreRefusal = Long.MIN_VALUE;

	/**
	 * Per role, the node that handed it over and the successor it named, until another
	 * node holds it.
	 */
	private final Map<String, Handover> resigned = new HashMap<>();

	/**
	 * When each node was last seen ACTIVE for each role, keyed {@code role@node}.
	 */
	private final Map<String, Long> lastActive = new HashMap<>();

	private long instant = -1;

	private long eventsAtInstant;

	private long overlapsExcusedUntil = Long.MIN_VALUE;

	private long excusedOverlapSteps;

	private long workWrites;

	private long maxRecoveryNanos;

	private long restNanos;

	private long restElectionWrites;

	private int quietStretches;

	SimRun(long seed, long seconds, int traceLines) {
		this.seed = seed;
		this.seconds = seconds;
		this.world = new SimWorld(seed, traceLines);
		this.random = this.world.random();
		this.etcd = new SimEtcd(this.world);
		Duration ttl = Duration.ofSeconds(List.of(2, 3, 5).get(this.random.nextInt(3)));
		Duration requestTimeout = Duration.ofMillis(List.of(500, 1000).get(this.random.nextInt(2)));
		this.settings = new SimSettings(ttl, requestTimeout, 0.01, "sim", SimFaults.none());
		this.roles = ROLE_SETS.get(this.random.nextInt(ROLE_SETS.size()));
		for (int i = 1; i <= 3; i++) {
			this.nodes.add(new SimNode(this.world, this.etcd, "n" + i, this.roles, this.settings, this::storeWrite));
		}
		this.etcd.observe(new SimEtcd.Observer() {

			@Override
			public void applied(int member, Txn txn, TxnResult result) {
				guardedWriteApplied(txn, result);
			}

		});
	}

	/**
	 * How long after the faults stop and every node reaches etcd one node is ACTIVE for
	 * each role at the latest: a lease of the old active may live one TTL (plus etcd's
	 * lessor tick), a standby not first in line waits one TTL, a retry waits up to one TTL,
	 * and a few requests must be answered.
	 */
	long recoveryBound() {
		return 3 * this.settings.ttl().toNanos() + 3 * this.settings.requestTimeout().toNanos() + SECOND;
	}

	Result run() {
		this.nodes.forEach(SimNode::start);
		long end = this.seconds * SECOND;
		while (this.world.now() < end) {
			turbulent(Math.min(end, this.world.now() + (10 + this.random.nextInt(30)) * SECOND));
			if (this.world.now() < end) {
				quiet();
			}
		}
		return new Result(this.seed, this.world.now(), this.world.eventsRun(), Map.copyOf(this.faultCounts),
				this.quietStretches, this.maxRecoveryNanos, this.workWrites, this.excusedOverlapSteps,
				(this.restNanos > 0) ? this.restElectionWrites * 60.0 * SECOND / this.restNanos : 0,
				this.settings.ttl(), this.roles.size());
	}

	// Faults

	private void turbulent(long until) {
		while (this.world.now() < until) {
			long next = Math.min(until, this.world.now() + (long) (-Math.log(1 - this.random.nextDouble()) * 2 * SECOND));
			this.world.run(next, this::check);
			if (this.world.now() < until) {
				inject();
			}
		}
	}

	private void inject() {
		SimNode node = this.nodes.get(this.random.nextInt(this.nodes.size()));
		long ttl = this.settings.ttl().toNanos();
		int choice = this.random.nextInt(100);
		if (choice < 12) {
			fault("crash", node::crash);
			later(between(SECOND / 2, 6 * SECOND), () -> restart(node));
		}
		else if (choice < 20) {
			fault("stop", node::stopGracefully);
			later(between(SECOND / 2, 3 * SECOND), () -> restart(node));
		}
		else if (choice < 32) {
			fault("pause", () -> node.pauseFor(between(ttl / 5, 3 * ttl)));
		}
		else if (choice < 44) {
			SimGateway.Cut how = this.random.nextBoolean() ? SimGateway.Cut.REFUSED : SimGateway.Cut.SILENT;
			fault("cut", () -> node.gateway().cutOff(how));
			SimGateway cut = node.gateway();
			later(between(ttl / 3, 3 * ttl), cut::reconnect);
		}
		else if (choice < 58) {
			fault("handover", () -> this.roles.forEach((role) -> node.handOver(role, resigned(node, role, this.world.now()))));
		}
		else if (choice < 63) {
			fault("activationFails", node::failNextActivation);
		}
		else if (choice < 72) {
			SimGateway flaky = node.gateway();
			fault("flaky", () -> flaky.faults(SimFaults.flaky()));
			later(between(SECOND, 10 * SECOND), () -> flaky.faults(SimFaults.none()));
		}
		else if (choice < 77) {
			fault("etcdRestart", this.etcd::stop);
			later(between(SECOND / 10, 2 * SECOND), this::startEtcd);
		}
		else if (choice < 87) {
			fault("compact", this::compact);
		}
		else if (choice < 93) {
			fault("watchBreak", () -> node.gateway().breakWatches());
		}
		else if (choice < 99) {
			fault("watchLag", () -> node.gateway().lagWatches(between(SECOND / 10, 2 * ttl)));
		}
		else {
			fault("wipe", this::wipe);
		}
	}

	private void compact() {
		if (this.etcd.serving() && this.etcd.revision() > this.etcd.compactRevision()) {
			this.etcd.compact(this.etcd.revision());
		}
	}

	private void fault(String name, Runnable fault) {
		this.faultCounts.merge(name, 1, Integer::sum);
		this.world.trace("sim", "fault " + name);
		fault.run();
	}

	private void later(long delay, Runnable action) {
		this.pendingFaults.add(this.world.schedule(delay, action));
	}

	private void restart(SimNode node) {
		if (!node.running()) {
			node.start();
		}
	}

	private void startEtcd() {
		if (!this.etcd.serving()) {
			this.etcd.start();
		}
	}

	/**
	 * etcd loses everything. Nodes that served before cannot know at once: until their
	 * leases' deadlines pass, a node that joins the empty etcd may also be ACTIVE. The
	 * engine's answer to that is the fencing token, and guarded writes of the old history
	 * fail; the overlap is counted, not failed (the disaster issue narrows it).
	 */
	private void wipe() {
		this.etcd.stop();
		this.etcd.wipe();
		this.etcd.start();
		this.history++;
		this.overlapsExcusedUntil = this.world.now() + this.settings.ttl().toNanos() + SECOND;
	}

	// Quiet

	private void quiet() {
		this.quietStretches++;
		this.pendingFaults.forEach(SimWorld.Event::cancel);
		this.pendingFaults.clear();
		this.world.trace("sim", "faults stop");
		startEtcd();
		this.nodes.forEach(SimNode::heal);
		long healed = this.world.now();
		if (!runUntil(() -> this.nodes.stream().allMatch((node) -> node.gateway().connected()),
				healed + 200 * SECOND)) {
			fail("a node did not reach etcd again within 200s of the faults' end");
		}
		// Requests sent under the faults may still arrive, as late as a link's slowest tail.
		long settled = Math.max(this.world.now(), healed + IN_FLIGHT_NANOS);
		this.world.run(settled, this::check);
		// From then on one node must be ACTIVE for each role within the bound, and stay.
		long[] lastChange = { settled };
		List<Map<String, SimNode>> seen = new ArrayList<>(List.of(actives()));
		this.world.run(settled + recoveryBound(), () -> {
			check();
			Map<String, SimNode> now = actives();
			if (!now.equals(seen.get(0))) {
				seen.set(0, now);
				lastChange[0] = this.world.now();
			}
		});
		if (!oneActivePerRole()) {
			fail("no single ACTIVE for every role within " + seconds(recoveryBound()) + " of the faults' end ("
					+ seconds(healed) + ", every node reaching etcd by " + seconds(settled) + "): " + names(actives()));
		}
		this.maxRecoveryNanos = Math.max(this.maxRecoveryNanos, lastChange[0] - settled);
		Map<String, SimNode> actives = actives();
		Runnable stable = () -> {
			check();
			if (!actives().equals(actives)) {
				fail("the ACTIVE nodes changed at rest: " + names(actives) + " became " + names(actives()));
			}
		};
		// Leases of crashed processes expire within a TTL (and etcd's lessor tick): one
		// write each, not the election's; count from then on.
		this.world.run(this.world.now() + this.settings.ttl().toNanos() + SECOND, stable);
		long restStart = this.world.now();
		long commits = this.etcd.commits();
		long work = this.workWrites;
		long restEnd = restStart + 20 * SECOND;
		this.world.run(restEnd, stable);
		long electionWrites = (this.etcd.commits() - commits) - (this.workWrites - work);
		this.restNanos += restEnd - restStart;
		this.restElectionWrites += electionWrites;
		double perMinute = electionWrites * 60.0 * SECOND / (restEnd - restStart);
		if (perMinute > MAX_REST_WRITES_PER_MINUTE) {
			fail("the election wrote " + electionWrites + " times to etcd in " + seconds(restEnd - restStart)
					+ " at rest (" + Math.round(perMinute) + " a minute)");
		}
	}

	private boolean runUntil(java.util.function.BooleanSupplier condition, long deadline) {
		while (!condition.getAsBoolean()) {
			if (this.world.pending() == 0 || this.world.now() > deadline) {
				return condition.getAsBoolean();
			}
			this.world.step();
			check();
		}
		return true;
	}

	// Invariants

	private void check() {
		if (this.world.now() != this.instant) {
			this.instant = this.world.now();
			this.eventsAtInstant = this.world.eventsRun();
		}
		else if (this.world.eventsRun() - this.eventsAtInstant > BUSY_LOOP_EVENTS) {
			fail("a busy loop: more than " + BUSY_LOOP_EVENTS + " events at one instant");
		}
		for (String role : this.roles) {
			int active = 0;
			for (SimNode node : this.nodes) {
				if (node.isActive(role)) {
					active++;
					this.lastActive.put(role + "@" + node.name(), this.world.now());
					wonBack(role, node);
				}
			}
			if (active > 1) {
				if (this.world.now() < this.overlapsExcusedUntil) {
					this.excusedOverlapSteps++;
				}
				else {
					fail("two nodes ACTIVE for " + role + " at once: " + this.nodes.stream()
						.filter((node) -> node.isActive(role))
						.map(SimNode::name)
						.toList());
				}
			}
		}
	}

	/**
	 * The outside store: it accepts a token no lower than the highest it accepted, and
	 * tells the node of a refusal, as users are told to.
	 */
	private void storeWrite(ElectionNode node, io.github.coordinatorha.FencingToken token) {
		long highest = this.storeHighest.getOrDefault(token.role(), 0L);
		if (token.value() < highest) {
			this.storeRefusals++;
			this.lastStoreRefusal = this.world.now();
			node.tokenRefused(token, highest);
			return;
		}
		this.storeHighest.put(token.role(), token.value());
	}

	private java.util.function.LongConsumer resigned(SimNode node, String role, long asked) {
		return (successor) -> {
			boolean taken = this.lastActive.entrySet()
				.stream()
				.anyMatch((seen) -> seen.getKey().startsWith(role + "@") && !seen.getKey().endsWith("@" + node.name())
						&& seen.getValue() >= asked);
			// A successor whose own activation failed lately holds off and steps back: then
			// the role may come back to this node at once.
			boolean holdingOff = this.nodes.stream()
				.anyMatch((other) -> other.serverId(role) == successor
						&& this.world.now() - other.lastFailedActivation() < 2 * this.settings.ttl().toNanos());
			if (!taken && !holdingOff) {
				String key = new RoleKeys(new EtcdKeys(this.settings.rootPath(), "meta"), role).sessionKey(successor);
				this.resigned.put(role, new Handover(node, key, this.world.now()));
			}
		};
	}

	private record Handover(SimNode node, String successorKey, long at) {
	}

	/**
	 * A node that handed a role over must not win it straight back while the successor it
	 * named is still registered: that one takes the role. Only after a TTL (its fallback,
	 * should the successor be stuck or dead), or once the successor's session is gone, may
	 * the role come back to the node.
	 */
	private void wonBack(String role, SimNode active) {
		Handover handover = this.resigned.get(role);
		if (handover == null) {
			return;
		}
		if (handover.node() != active) {
			this.resigned.remove(role);
		}
		else if (this.etcd.key(handover.successorKey()) != null
				&& this.world.now() - handover.at() < this.settings.ttl().toNanos() * 9 / 10) {
			fail(active.name() + " won " + role + " straight back after handing it over at " + seconds(handover.at())
					+ ", though its successor " + handover.successorKey() + " is still registered");
		}
	}

	private void guardedWriteApplied(Txn txn, TxnResult result) {
		if (!result.succeeded() || txn.then().isEmpty()
				|| !(txn.then().get(0) instanceof Operation.Put put && put.key().startsWith(SimNode.WORK_PREFIX))) {
			return;
		}
		this.workWrites++;
		String role = put.key().substring(SimNode.WORK_PREFIX.length()) + "@" + this.history;
		long token = Long.parseLong(put.value());
		long highest = this.highestToken.getOrDefault(role, 0L);
		if (token < highest) {
			fail("etcd accepted a guarded write of " + role + " with token " + token + " after one with " + highest);
		}
		this.highestToken.put(role, Math.max(token, highest));
	}

	private boolean oneActivePerRole() {
		for (String role : this.roles) {
			if (this.nodes.stream().filter((node) -> node.isActive(role)).count() != 1) {
				return false;
			}
		}
		return true;
	}

	private Map<String, SimNode> actives() {
		Map<String, SimNode> actives = new HashMap<>();
		for (String role : this.roles) {
			for (SimNode node : this.nodes) {
				if (node.isActive(role)) {
					actives.merge(role, node, (a, b) -> null);
				}
			}
		}
		return actives;
	}

	private static String names(Map<String, SimNode> actives) {
		StringBuilder names = new StringBuilder("{");
		actives.forEach((role, node) -> names.append(role).append('=').append(node.name()).append(' '));
		return names.append('}').toString();
	}

	private long between(long min, long max) {
		return min + (long) (this.random.nextDouble() * (max - min));
	}

	private void fail(String violation) {
		throw new SimFailure(this.seed, this.seconds, this.world.now(), violation, this.world.traceDump());
	}

	static String seconds(long nanos) {
		return String.format(java.util.Locale.ROOT, "%.3fs", nanos / 1e9);
	}

	/**
	 * What one run did.
	 *
	 * @param seed its seed
	 * @param simulatedNanos how long it ran, in simulated time
	 * @param events how many events the world ran
	 * @param faults the faults injected, by kind
	 * @param quietStretches how many times the faults stopped
	 * @param maxRecoveryNanos the longest time from the faults' end (every node reaching
	 * etcd, and requests under the faults answered) to the last change of the ACTIVE
	 * nodes
	 * @param guardedWrites the guarded writes etcd accepted
	 * @param excusedOverlapSteps steps with two ACTIVE nodes in the TTL after a wipe
	 * @param restWritesPerMinute the election's writes a minute at rest
	 * @param ttl the run's session TTL
	 * @param roles its number of roles
	 */
	record Result(long seed, long simulatedNanos, long events, Map<String, Integer> faults, int quietStretches,
			long maxRecoveryNanos, long guardedWrites, long excusedOverlapSteps, double restWritesPerMinute,
			Duration ttl, int roles) {
	}

	/**
	 * A violated invariant, with what it takes to replay it.
	 */
	static final class SimFailure extends AssertionError {

		private final long seed;

		SimFailure(long seed, long seconds, long at, String violation, String trace) {
			super("Seed " + seed + " at " + SimRun.seconds(at) + ": " + violation + "\n" + trace
					+ "\nReplay with: mvn -B -ntp -pl ha-autoconfigure -am verify -Dtest=SimulationTests#replay"
					+ " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=" + seed + " -Dsim.seconds=" + seconds);
			this.seed = seed;
		}

		long seed() {
			return this.seed;
		}

	}

}
