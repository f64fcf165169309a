package io.github.coordinatorha.election;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * How fast the simulated world runs, by hand (not part of the build: Surefire's default
 * includes do not match the name): <pre>
 * mvn -B -ntp -q -pl ha-autoconfigure -am verify -Dtest=SimSpeedCheck -Dsurefire.failIfNoSpecifiedTests=false
 * </pre> It runs 100 seeds of 1,000 simulated seconds each: three processes on drifting
 * clocks with flaky connections ({@link SimFaults#flaky()}) running {@link SimLoad}, a
 * pause of one process every 100 s, an etcd restart every 300 s and a compaction every 60
 * s, and prints events and simulated seconds per wall-clock second ({@code -Dsim.seeds},
 * {@code -Dsim.seconds} and {@code -Dsim.trace} (trace lines kept) change the run). It
 * measures the world, not the election engine, whose nodes add their own work per event.
 */
class SimSpeedCheck {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void printTheWorldsSpeed() {
		run(10, 1000);
		long start = System.nanoTime();
		long events = 0;
		int seeds = Integer.getInteger("sim.seeds", 100);
		long seconds = Long.getLong("sim.seconds", 1000);
		for (int seed = 0; seed < seeds; seed++) {
			events += run(seed, seconds);
		}
		double wall = (System.nanoTime() - start) / 1e9;
		System.out.printf(
				"SimSpeedCheck: %d seeds x %d simulated s of 3 nodes = %d simulated s in %.2f s wall: "
						+ "%d events, %.0f events/s, %.0f simulated s per wall s%n",
				seeds, seconds, seeds * seconds, wall, events, events / wall, seeds * seconds / wall);
	}

	private static long run(long seed, long seconds) {
		SimWorld world = new SimWorld(seed, Integer.getInteger("sim.trace", 4096));
		SimEtcd etcd = new SimEtcd(world, SimEtcd.Settings.fast());
		SimProcess[] processes = new SimProcess[3];
		for (int i = 0; i < processes.length; i++) {
			processes[i] = new SimProcess(world, "n" + i, SimClock.drifting(world, 0.01));
			SimGateway gateway = new SimGateway(processes[i], etcd, Duration.ofSeconds(2), 0, SimFaults.flaky());
			new SimLoad(world, gateway, processes[i].lane("load"), "/role/").start();
		}
		for (long t = 100; t < seconds; t += 100) {
			SimProcess victim = processes[world.random().nextInt(processes.length)];
			world.scheduleAt(t * SECOND, () -> victim.pauseFor(5 * SECOND));
		}
		for (long t = 300; t < seconds; t += 300) {
			world.scheduleAt(t * SECOND, etcd::restart);
		}
		for (long t = 60; t < seconds; t += 60) {
			world.scheduleAt(t * SECOND, () -> {
				if (etcd.revision() > etcd.compactRevision()) {
					etcd.compact(etcd.revision());
				}
			});
		}
		world.runUntil(seconds * SECOND);
		return world.eventsRun();
	}

}
