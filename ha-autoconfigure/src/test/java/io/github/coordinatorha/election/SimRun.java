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
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.SimNode.SimSettings;

/**
 * One seeded run of the simulation: three nodes with the real engine on simulated time
 * against the model of etcd (one member, or three for half the seeds), through stretches
 * of faults chosen by the seed, each followed by a quiet stretch. An operator's backup
 * takes a snapshot of etcd now and then, and a rare fault restores an older one. Checked
 * at every step, and at the end of each quiet stretch:
 * <ul>
 * <li>never two nodes whose published status is ACTIVE for a role at the same instant,
 * each by its own drifting clock, but in two windows that are counted, not failed: for a
 * TTL and a second after a wipe or restore (the old active's lease could not have expired
 * by its clock yet), and on etcd 3.4.23's stale lessor while the deposed active's last
 * renewal that a correct engine takes came from a stalled or cut-off leader (etcd#15247,
 * #12528: see {@link SimEngineTap}; the engine promises to ignore a keepalive answer in a
 * raft term below one it has seen, and an overlap after such an answer fails);</li>
 * <li>every write etcd accepts under a fencing guard carries a token no lower than any
 * accepted before it within one history of etcd (a wipe or a restore starts a new
 * one);</li>
 * <li>across histories: after a wipe or a restore, once the epoch key holds a value above
 * the epoch of every token accepted before the event, etcd never again accepts a guarded
 * write whose token is not above the highest accepted before it ({@link SimTokenLedger});
 * the writes below it accepted in the window before that raise are counted, not
 * failed;</li>
 * <li>once the faults stop and every node reaches etcd again, exactly one node is ACTIVE
 * for each role within {@link #recoveryBound()}, and stays so; the outside fenced store,
 * which refuses a token below the highest it accepted and tells the node, refuses none
 * after that bound and accepts the active's writes at rest ({@link SimStore});</li>
 * <li>at rest, no two live nodes hold one server ID for a role, each holds a session key
 * in etcd, and the server ID counter (the next free ID, as Milvus keeps it) is above
 * every ID in use;</li>
 * <li>at rest, the election writes to etcd at most {@link #MAX_REST_WRITES_PER_MINUTE}
 * times a simulated minute (no loop without a delay), after a wipe or restore too.</li>
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

	/**
	 * How often the operator's backup takes a snapshot of etcd, at the most and least.
	 */
	private static final long MIN_SNAPSHOT_INTERVAL = 15 * SECOND;

	private static final long MAX_SNAPSHOT_INTERVAL = 90 * SECOND;

	private final long seed;

	private final long seconds;

	private final SimWorld world;

	private final Random random;

	private final SimEtcd etcd;

	private final SimSettings settings;

	private final List<String> roles;

	private final List<SimNode> nodes = new ArrayList<>();

	private final List<SimWorld.Event> pendingFaults = new ArrayList<>();

	private final Map<String, Integer> faultCounts = new HashMap<>();

	private final SimTokenLedger tokens = new SimTokenLedger();

	private boolean disasterSinceQuiet;

	private final SimStore store = new SimStore();

	private long maxStoreRecoveryNanos;

	private long restAfterDisasterNanos;

	private long restAfterDisasterWrites;

	private double maxRestAfterDisasterPerMinute;

	private long maxServerId;

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

	private long staleLessorOverlapSteps;

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
		int members = this.random.nextBoolean() ? 3 : 1;
		// three members run etcd 3.4.23, with the stale lessor of etcd#15247 and #12528,
		// or
		// an etcd with the fixes
		this.etcd = new SimEtcd(this.world,
				SimEtcd.Settings.defaults().withMembers(members).withStaleLessor(this.random.nextBoolean()));
		// -Dsim.watchWithoutLeader=true: watches as jetcd makes them by default, which a
		// member
		// cut off from the majority neither refuses nor ends (issue 12, item 5)
		this.etcd.watchesRequireLeader(!Boolean.getBoolean("sim.watchWithoutLeader"));
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

			@Override
			public void changed(long revision, List<WatchEvent> changes) {
				epochChanged(changes);
			}

		});
	}

	/**
	 * How long after the faults stop and every node reaches etcd one node is ACTIVE for
	 * each role at the latest: a lease of the old active may live one TTL (plus etcd's
	 * lessor tick), a standby not first in line waits one TTL, a retry waits up to one
	 * TTL, and a few requests must be answered.
	 */
	long recoveryBound() {
		return 3 * this.settings.ttl().toNanos() + 3 * this.settings.requestTimeout().toNanos() + SECOND;
	}

	Result run() {
		this.nodes.forEach(SimNode::start);
		this.world.schedule(5 * SECOND, this::backUp);
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
				this.settings.ttl(), this.roles.size(), this.etcd.members(), this.tokens.disasters(),
				this.tokens.windowWrites(), this.tokens.unraised(), this.tokens.maxRaiseNanos(),
				this.tokens.maxWindowWriteNanos(), this.store.refusals(), this.maxStoreRecoveryNanos,
				(this.restAfterDisasterNanos > 0)
						? this.restAfterDisasterWrites * 60.0 * SECOND / this.restAfterDisasterNanos : 0,
				this.maxRestAfterDisasterPerMinute, this.maxServerId,
				this.etcd.members() >= 3 && this.etcd.settings().staleLessor(), this.staleLessorOverlapSteps);
	}

	/**
	 * The operator's backup: a snapshot now and then, while etcd serves.
	 */
	private void backUp() {
		if (this.etcd.serving()) {
			this.etcd.snapshot();
		}
		this.world.schedule(between(MIN_SNAPSHOT_INTERVAL, MAX_SNAPSHOT_INTERVAL), this::backUp);
	}

	// Faults

	private void turbulent(long until) {
		while (this.world.now() < until) {
			long next = Math.min(until,
					this.world.now() + (long) (-Math.log(1 - this.random.nextDouble()) * 2 * SECOND));
			this.world.run(next, this::check);
			if (this.world.now() < until) {
				inject();
			}
		}
	}

	private void inject() {
		SimNode node = this.nodes.get(this.random.nextInt(this.nodes.size()));
		long ttl = this.settings.ttl().toNanos();
		if (this.etcd.members() >= 3 && this.random.nextInt(100) < 15) {
			injectIntoMembers(node, ttl);
			return;
		}
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
			SimChannel cut = node.gateway();
			fault("cut", () -> cut.cutOff(how));
			later(between(ttl / 3, 3 * ttl), cut::reconnect);
		}
		else if (choice < 58) {
			fault("handover",
					() -> this.roles.forEach((role) -> node.handOver(role, resigned(node, role, this.world.now()))));
		}
		else if (choice < 63) {
			fault("activationFails", node::failNextActivation);
		}
		else if (choice < 72) {
			SimChannel flaky = node.gateway();
			fault("flaky", () -> flaky.faults(SimFaults.flaky()));
			later(between(SECOND, 10 * SECOND), () -> flaky.faults(SimFaults.none()));
		}
		else if (choice < 77) {
			fault("etcdRestart", this.etcd::stop);
			later(between(SECOND / 10, 2 * SECOND), this::startEtcd);
		}
		else if (choice < 86) {
			fault("compact", this::compact);
		}
		else if (choice < 92) {
			fault("watchBreak", () -> node.gateway().breakWatches());
		}
		else if (choice < 98) {
			fault("watchLag", () -> node.gateway().lagWatches(between(SECOND / 10, 2 * ttl)));
		}
		else if (choice < 99) {
			fault("wipe", this::wipe);
		}
		else {
			fault("restore", this::restore);
		}
	}

	/**
	 * The faults of one member of a three-member cluster: a stalled leader (etcd#15247),
	 * a member cut off from the majority, or one node's link to one member cut.
	 */
	private void injectIntoMembers(SimNode node, long ttl) {
		int choice = this.random.nextInt(3);
		if (choice < 2 && this.etcd.serving() && !this.etcd.sick()) {
			if (choice == 0) {
				fault("stall", this.etcd::stallLeader);
				later(between(ttl / 2, 4 * ttl), this.etcd::endStall);
			}
			else {
				int member = this.random.nextInt(this.etcd.members());
				fault("isolate", () -> this.etcd.isolate(member));
				later(between(ttl / 2, 4 * ttl), this.etcd::rejoin);
			}
			return;
		}
		SimGateway link = node.gateway().member(this.random.nextInt(this.etcd.members()));
		SimGateway.Cut how = this.random.nextBoolean() ? SimGateway.Cut.REFUSED : SimGateway.Cut.SILENT;
		fault("cutMember", () -> link.cutOff(how));
		later(between(ttl / 3, 4 * ttl), link::reconnect);
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
		disaster("wipe");
		this.etcd.stop();
		this.etcd.wipe();
		this.etcd.start();
	}

	/**
	 * etcd is restored from an older snapshot, one of the backups kept: keys, leases and
	 * revisions go back to then. As with a wipe, the overlap until the nodes notice is
	 * counted, not failed.
	 */
	private void restore() {
		List<SimEtcd.Snapshot> snapshots = this.etcd.snapshots();
		if (snapshots.isEmpty()) {
			wipe();
			return;
		}
		SimEtcd.Snapshot snapshot = snapshots.get(this.random.nextInt(snapshots.size()));
		disaster("restore of " + snapshot);
		this.etcd.restore(snapshot);
	}

	private void disaster(String what) {
		this.tokens.disaster(what, this.world.now());
		this.disasterSinceQuiet = true;
		// etcd forgot the handover: the successor's session may be gone, or back from the
		// snapshot without its holder, so "won back" no longer applies
		this.resigned.clear();
		this.overlapsExcusedUntil = this.world.now() + this.settings.ttl().toNanos() + SECOND;
	}

	// Quiet

	private void quiet() {
		this.quietStretches++;
		this.pendingFaults.forEach(SimWorld.Event::cancel);
		this.pendingFaults.clear();
		this.world.trace("sim", "faults stop");
		startEtcd();
		this.etcd.endStall();
		this.etcd.rejoin();
		this.nodes.forEach(SimNode::heal);
		long healed = this.world.now();
		if (!runUntil(() -> this.nodes.stream().allMatch((node) -> node.gateway().connected()),
				healed + 200 * SECOND)) {
			fail("a node did not reach etcd again within 200s of the faults' end");
		}
		// Requests sent under the faults may still arrive, as late as a link's slowest
		// tail.
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
		if (this.disasterSinceQuiet) {
			this.disasterSinceQuiet = false;
			this.restAfterDisasterNanos += restEnd - restStart;
			this.restAfterDisasterWrites += electionWrites;
			this.maxRestAfterDisasterPerMinute = Math.max(this.maxRestAfterDisasterPerMinute, perMinute);
		}
		if (perMinute > MAX_REST_WRITES_PER_MINUTE) {
			fail("the election wrote " + electionWrites + " times to etcd in " + seconds(restEnd - restStart)
					+ " at rest (" + Math.round(perMinute) + " a minute)");
		}
		checkStoreRecovered(settled, restStart);
		checkServerIds();
	}

	/**
	 * The outside store refused nothing after the recovery bound, and accepted the
	 * active's writes at rest.
	 */
	private void checkStoreRecovered(long settled, long restStart) {
		long bound = settled + recoveryBound();
		// the active, elected within the bound at the latest, writes within one interval
		long acceptBound = bound + SimNode.WORK_INTERVAL + this.settings.requestTimeout().toNanos();
		for (String role : this.roles) {
			String violation = this.store.violation(role, restStart, bound, acceptBound);
			if (violation != null) {
				fail(violation);
			}
			this.maxStoreRecoveryNanos = Math.max(this.maxStoreRecoveryNanos, this.store.backSince(role) - settled);
		}
	}

	/**
	 * No two live nodes hold one server ID for a role; each holds its session key; the
	 * counter holds an ID above every one in use.
	 */
	private void checkServerIds() {
		long counter = counterValue();
		for (String role : this.roles) {
			RoleKeys keys = new RoleKeys(new EtcdKeys(this.settings.rootPath(), "meta"), role);
			Map<String, Long> serverIds = new java.util.LinkedHashMap<>();
			for (SimNode node : this.nodes) {
				long serverId = node.serverId(role);
				serverIds.put(node.name(), serverId);
				this.maxServerId = Math.max(this.maxServerId, serverId);
			}
			String violation = serverIdViolation(role, serverIds,
					(serverId) -> this.etcd.key(keys.sessionKey(serverId)) != null, counter);
			if (violation != null) {
				fail(violation);
			}
		}
	}

	/**
	 * What is wrong with the server IDs live nodes hold for a role at rest, if anything.
	 * @param role the role
	 * @param serverIds each live node's server ID, {@code 0} for none
	 * @param registered whether etcd holds the session key of a server ID
	 * @param counter the server ID counter: the next free ID, as Milvus keeps it
	 * @return the violation, or {@code null} if none
	 */
	static @org.jspecify.annotations.Nullable String serverIdViolation(String role, Map<String, Long> serverIds,
			java.util.function.LongPredicate registered, long counter) {
		Map<Long, String> holders = new HashMap<>();
		for (Map.Entry<String, Long> entry : serverIds.entrySet()) {
			String node = entry.getKey();
			long serverId = entry.getValue();
			if (serverId == 0) {
				return node + " has no server ID for " + role + " at rest";
			}
			String other = holders.put(serverId, node);
			if (other != null) {
				return "server ID " + serverId + " is held by both " + other + " and " + node + " for " + role
						+ " at rest";
			}
			if (!registered.test(serverId)) {
				return node + " serves " + role + " as server ID " + serverId + " but etcd holds no session key for it"
						+ " at rest";
			}
			if (serverId >= counter) {
				return node + " holds server ID " + serverId + " for " + role + ", but the counter holds " + counter
						+ " as the next free ID: Milvus's allocator would hand it out again";
			}
		}
		return null;
	}

	private long counterValue() {
		EtcdGateway.KeyValue counter = this.etcd.key(new EtcdKeys(this.settings.rootPath(), "meta").serverIdCounter());
		return (counter != null) ? Long.parseLong(counter.value().strip()) : 0;
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
				else if (this.nodes.stream().anyMatch((node) -> node.isActive(role) && staleLessor(node))) {
					// etcd#15247 or #12528: a stalled leader renewed a lease the majority
					// let
					// expire before any answer told the node of a newer raft term, or
					// revoked
					// one the majority kept alive
					this.staleLessorOverlapSteps++;
				}
				else {
					fail("two nodes ACTIVE for " + role + " at once: "
							+ this.nodes.stream().filter((node) -> node.isActive(role)).map(SimNode::name).toList());
				}
			}
		}
	}

	private boolean staleLessor(SimNode node) {
		long within = this.settings.ttl().toNanos() + SECOND;
		return node.heard().renewedByStaleLessor(within) || node.heard().leaseRevokedAlive(within);
	}

	/**
	 * The outside store: it accepts a token no lower than the highest it accepted, and
	 * tells the node of a refusal, as users are told to.
	 */
	private void storeWrite(ElectionNode node, io.github.coordinatorha.FencingToken token) {
		long highest = this.store.write(token.role(), token.value(), this.world.now());
		if (highest >= 0) {
			this.world.trace("store", "refused " + token + ", highest", highest);
			node.tokenRefused(token, highest);
		}
	}

	private java.util.function.LongConsumer resigned(SimNode node, String role, long asked) {
		return (successor) -> {
			boolean taken = this.lastActive.entrySet()
				.stream()
				.anyMatch((seen) -> seen.getKey().startsWith(role + "@") && !seen.getKey().endsWith("@" + node.name())
						&& seen.getValue() >= asked);
			// A successor whose own activation failed lately holds off and steps back:
			// then
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
	 * should the successor be stuck or dead), or once the successor's session is gone,
	 * may the role come back to the node.
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
		String role = put.key().substring(SimNode.WORK_PREFIX.length());
		long token = Long.parseLong(put.value());
		String violation = this.tokens.accepted(role, token, this.world.now());
		if (violation != null) {
			fail(violation);
		}
	}

	/**
	 * A wipe or restore is raised past once the epoch key holds a value above the epoch
	 * of every token accepted before it.
	 */
	private void epochChanged(List<WatchEvent> changes) {
		String epochKey = new EtcdKeys(this.settings.rootPath(), "meta").epochKey();
		for (WatchEvent change : changes) {
			if (change.deleted() || !change.keyValue().key().equals(epochKey)) {
				continue;
			}
			long epoch;
			try {
				epoch = Long.parseLong(change.keyValue().value().strip().split("\\s+")[0]);
			}
			catch (NumberFormatException ex) {
				continue;
			}
			for (String raised : this.tokens.epochStored(epoch, this.world.now())) {
				this.world.trace("sim", "epoch raised past the " + raised + " to", epoch);
			}
		}
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

	/**
	 * The trace kept so far, for a replay that passes ({@code -Dsim.trace=true}).
	 * @return the trace's lines
	 */
	String trace() {
		return this.world.traceDump();
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
	 * @param members etcd's members
	 * @param disasters the wipes and restores
	 * @param windowWrites guarded writes etcd accepted after a wipe or restore, before
	 * its epoch was raised, with a token below the highest accepted before it
	 * @param unraisedAtEnd wipes and restores whose epoch was never raised
	 * @param maxRaiseNanos the longest time from a wipe or restore to the raise of its
	 * epoch
	 * @param maxWindowWriteNanos the latest a write of the window came after its wipe or
	 * restore
	 * @param storeRefusals the tokens the outside store refused
	 * @param maxStoreRecoveryNanos the longest time from the faults' end to the store's
	 * first acceptance after its last refusal
	 * @param restWritesPerMinuteAfterDisaster the election's writes a minute at rest
	 * after a wipe or restore, on average
	 * @param maxRestWritesPerMinuteAfterDisaster the same, in the worst quiet stretch
	 * @param maxServerId the highest server ID held at rest
	 * @param staleLessor whether its three members have the stale lessor of etcd 3.4.23
	 * @param staleLessorOverlapSteps steps with two ACTIVE nodes because a stalled leader
	 * renewed a lease the majority let expire, before any answer of the newer raft term
	 * reached the node (etcd#15247, which no client can see)
	 */
	record Result(long seed, long simulatedNanos, long events, Map<String, Integer> faults, int quietStretches,
			long maxRecoveryNanos, long guardedWrites, long excusedOverlapSteps, double restWritesPerMinute,
			Duration ttl, int roles, int members, int disasters, long windowWrites, int unraisedAtEnd,
			long maxRaiseNanos, long maxWindowWriteNanos, long storeRefusals, long maxStoreRecoveryNanos,
			double restWritesPerMinuteAfterDisaster, double maxRestWritesPerMinuteAfterDisaster, long maxServerId,
			boolean staleLessor, long staleLessorOverlapSteps) {
	}

	/**
	 * A violated invariant, with what it takes to replay it.
	 */
	static final class SimFailure extends AssertionError {

		private final long seed;

		private final String violation;

		SimFailure(long seed, long seconds, long at, String violation, String trace) {
			super("Seed " + seed + " at " + SimRun.seconds(at) + ": " + violation + "\n" + trace
					+ "\nReplay with: mvn -B -ntp -pl ha-autoconfigure -am verify -Dtest=SimulationTests#replay"
					+ " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=" + seed + " -Dsim.seconds=" + seconds);
			this.seed = seed;
			this.violation = "seed " + seed + " at " + SimRun.seconds(at) + ": " + violation;
		}

		long seed() {
			return this.seed;
		}

		/**
		 * The violation in one line, without the trace.
		 * @return the seed, the time and what was violated
		 */
		String violation() {
			return this.violation;
		}

	}

}
