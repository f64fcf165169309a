package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The simulated world's core: event order, determinism, clocks, lanes, pauses and
 * crashes.
 */
class SimWorldTests {

	private static final long MS = 1_000_000L;

	private static final long SECOND = 1_000_000_000L;

	@Test
	void eventsRunInTimeOrderAndEventsOfOneInstantInTheOrderScheduled() {
		SimWorld world = new SimWorld(1);
		List<String> ran = new ArrayList<>();
		world.schedule(20, () -> ran.add("c@" + world.now()));
		world.schedule(10, () -> ran.add("a@" + world.now()));
		world.schedule(10, () -> ran.add("b@" + world.now()));
		world.schedule(0, () -> world.schedule(0, () -> ran.add("nested@" + world.now())));
		world.runUntil(100);
		assertThat(ran).containsExactly("nested@0", "a@10", "b@10", "c@20");
		assertThat(world.now()).isEqualTo(100);
		assertThat(world.eventsRun()).isEqualTo(5);
	}

	@Test
	void aCancelledEventNeverRunsAndLeavesTheQueue() {
		SimWorld world = new SimWorld(1);
		List<Integer> ran = new ArrayList<>();
		List<SimWorld.Event> events = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			int n = i;
			events.add(world.schedule(1000 - i, () -> ran.add(n)));
		}
		for (int i = 0; i < 100; i += 2) {
			events.get(i).cancel();
		}
		assertThat(world.pending()).isEqualTo(50);
		world.runFor(SECOND);
		assertThat(ran).hasSize(50).allMatch((n) -> n % 2 == 1).isSortedAccordingTo((a, b) -> b - a);
	}

	@Test
	void theSameSeedGivesTheSameRunAndTraceAndAnotherSeedAnother() {
		List<String> first = busyRun(7);
		assertThat(first).hasSizeGreaterThan(50);
		assertThat(busyRun(7)).isEqualTo(first);
		assertThat(busyRun(8)).isNotEqualTo(first);
	}

	@Test
	void theTraceKeepsTheMostRecentLinesWithTheirTimes() {
		SimWorld world = new SimWorld(3, 3);
		for (int i = 1; i <= 5; i++) {
			world.schedule(i * MS, () -> world.trace("n1", "tick", world.now() / MS));
		}
		world.runFor(SECOND);
		world.trace("etcd", "detail", (Object) List.of("x"));
		assertThat(world.traceLines()).containsExactly("0.004000000 n1 tick 4", "0.005000000 n1 tick 5",
				"1.000000000 etcd detail [x]");
		assertThat(world.traceDump()).startsWith("seed 3, at 1.000000000, 5 events; last 3 of 6 trace lines:");
	}

	@Test
	void aDriftingClockCountsAtItsOwnRateAndItsTimersFireByIt() {
		SimWorld world = new SimWorld(1);
		world.runFor(5 * SECOND);
		SimClock fast = new SimClock(world, -42, 1.01);
		SimLane lane = new SimProcess(world, "n1", fast).lane("role");
		long start = lane.nanoTime();
		AtomicReference<long[]> fired = new AtomicReference<>();
		long before = world.now();
		lane.schedule(() -> fired.set(new long[] { world.now() - before, lane.nanoTime() - start }), SECOND);
		world.runFor(2 * SECOND);
		assertThat(fired.get()[0]).isEqualTo((long) Math.ceil(SECOND / 1.01));
		assertThat(fired.get()[1]).isGreaterThanOrEqualTo(SECOND).isLessThan(SECOND + 2);
		fast.rate(0.99);
		long clockBefore = fast.nanoTime();
		world.runFor(SECOND);
		assertThat(fast.nanoTime() - clockBefore).isBetween(989_999_999L, 990_000_001L);
	}

	@Test
	void driftingClocksStayWithinTheirBound() {
		SimWorld world = new SimWorld(11);
		for (int i = 0; i < 1000; i++) {
			assertThat(SimClock.drifting(world, 0.01).rate()).isBetween(0.99, 1.01);
		}
	}

	@Test
	void aPausedProcessRunsNothingUntilResumedAndThenEverythingDueInOrder() {
		SimWorld world = new SimWorld(1);
		SimProcess process = new SimProcess(world, "n1", new SimClock(world, 0, 1));
		SimLane role = process.lane("role");
		SimLane session = process.lane("session");
		List<String> ran = new ArrayList<>();
		role.schedule(() -> ran.add("role timer@" + world.now() / MS), 100 * MS);
		session.schedule(() -> ran.add("session timer@" + world.now() / MS), 200 * MS);
		Lane.Timer cancelled = role.schedule(() -> ran.add("cancelled"), 300 * MS);
		world.schedule(50 * MS, () -> process.pauseFor(1000 * MS));
		world.schedule(400 * MS, () -> role.execute(() -> ran.add("task@" + world.now() / MS)));
		world.schedule(500 * MS, cancelled::cancel);
		world.runFor(1049 * MS);
		assertThat(ran).isEmpty();
		world.runFor(10 * MS);
		assertThat(ran).containsExactly("role timer@1050", "session timer@1050", "task@1050");
		assertThat(process.paused()).isFalse();
	}

	@Test
	void aCrashedProcessDropsEveryTaskAndTimerForEver() {
		SimWorld world = new SimWorld(1);
		SimProcess process = new SimProcess(world, "n1", new SimClock(world, 0, 1));
		SimLane lane = process.lane("role");
		List<String> ran = new ArrayList<>();
		lane.schedule(() -> ran.add("timer"), 100 * MS);
		world.schedule(10 * MS, () -> process.pause());
		world.schedule(20 * MS, () -> lane.execute(() -> ran.add("deferred")));
		world.schedule(50 * MS, process::crash);
		world.schedule(60 * MS, () -> lane.execute(() -> ran.add("after")));
		world.schedule(70 * MS, process::resume);
		world.runFor(SECOND);
		assertThat(ran).isEmpty();
		assertThat(process.crashed()).isTrue();
		assertThat(world.pending()).isZero();
	}

	@Test
	void aClosedLaneDropsItsTasksAndTheProcessesOtherLanesGoOn() {
		SimWorld world = new SimWorld(1);
		SimProcess process = new SimProcess(world, "n1", new SimClock(world, 0, 1));
		SimLane closed = process.lane("old role");
		SimLane open = process.lane("session");
		List<String> ran = new ArrayList<>();
		closed.schedule(() -> ran.add("closed"), MS);
		open.schedule(() -> ran.add("open"), MS);
		closed.close();
		closed.execute(() -> ran.add("closed task"));
		world.runFor(SECOND);
		assertThat(ran).containsExactly("open");
	}

	@Test
	void touchingTheWorldFromAnotherThreadFails() throws Exception {
		SimWorld world = new SimWorld(1);
		CompletableFuture<Throwable> failure = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				world.schedule(1, () -> {
				});
				failure.complete(null);
			}
			catch (Throwable ex) {
				failure.complete(ex);
			}
		});
		thread.start();
		thread.join(5000);
		assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("no real threads");
		assertThatIllegalStateException().isThrownBy(world::step).withMessageContaining("no real threads");
	}

	/**
	 * Three processes on drifting clocks with flaky connections, keepalives, claims and
	 * watches, pauses and an etcd restart: the trace of a minute.
	 */
	private static List<String> busyRun(long seed) {
		SimWorld world = new SimWorld(seed, 100_000);
		SimEtcd etcd = new SimEtcd(world, SimEtcd.Settings.fast());
		for (int i = 0; i < 3; i++) {
			SimProcess process = new SimProcess(world, "n" + i, SimClock.drifting(world, 0.01));
			SimGateway gateway = new SimGateway(process, etcd, Duration.ofSeconds(2), 0, SimFaults.flaky());
			SimLane lane = process.lane("load");
			new SimLoad(world, gateway, lane, "/role/").start();
			world.schedule((10 + i) * SECOND, () -> process.pauseFor(3 * SECOND));
		}
		world.schedule(30 * SECOND, etcd::restart);
		world.runFor(60 * SECOND);
		return world.traceLines();
	}

}
