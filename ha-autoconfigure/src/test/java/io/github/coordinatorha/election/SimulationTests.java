package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.github.coordinatorha.election.SimRun.Result;
import io.github.coordinatorha.election.SimRun.SimFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The election engine under deterministic simulation: many seeded runs of three nodes
 * against the model of etcd, through crashes, pauses, partitions, lossy and slow links,
 * lagging and broken watches, compactions, etcd restarts and wipes, handovers and failed
 * activations, checked at every step ({@link SimRun} lists the invariants). The default
 * build runs {@code sim.seeds} seeds of {@code sim.seconds} simulated seconds each; the
 * {@code simulation} profile runs a hundred times more. A failure names its seed and the
 * command that replays it with a trace.
 */
class SimulationTests {

	private static final String ENGINE = "io.github.coordinatorha.election";

	private static Level engineLevel;

	@BeforeAll
	static void quietTheEngine() {
		// The engine logs for operators; a hundred thousand simulated seconds of it is
		// noise.
		Logger engine = (Logger) LoggerFactory.getLogger(ENGINE);
		engineLevel = engine.getLevel();
		engine.setLevel(Level.OFF);
	}

	@AfterAll
	static void restoreTheEngine() {
		((Logger) LoggerFactory.getLogger(ENGINE)).setLevel(engineLevel);
	}

	@Test
	void everyInvariantHoldsForEverySeed() throws Exception {
		long first = Long.getLong("sim.firstSeed", 1);
		int seeds = Integer.getInteger("sim.seeds", 50);
		long seconds = Long.getLong("sim.seconds", 2000);
		long started = System.nanoTime();
		List<Result> results = new ArrayList<>();
		List<SimFailure> failures = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
		try {
			List<Future<Result>> runs = LongStream.range(first, first + seeds)
				.mapToObj((seed) -> threads.submit(() -> new SimRun(seed, seconds, 0).run()))
				.toList();
			for (Future<Result> run : runs) {
				try {
					results.add(run.get());
				}
				catch (ExecutionException ex) {
					if (!(ex.getCause() instanceof SimFailure failure)) {
						throw ex;
					}
					failures.add(failure);
				}
			}
		}
		finally {
			threads.shutdownNow();
		}
		double wall = (System.nanoTime() - started) / 1e9;
		long simulated = results.stream().mapToLong(Result::simulatedNanos).sum() / SimRun.SECOND;
		long events = results.stream().mapToLong(Result::events).sum();
		Map<String, Integer> faults = new TreeMap<>();
		results
			.forEach((result) -> result.faults().forEach((fault, count) -> faults.merge(fault, count, Integer::sum)));
		System.out.printf(java.util.Locale.ROOT,
				"simulation: seeds=%d (from %d, %d on 3 members, %d of them with etcd 3.4.23's stale lessor) simulated=%ds wall=%.1fs events=%d (%.0f/s)"
						+ " quietStretches=%d maxRecovery=%s guardedWrites=%d restWritesPerMinute<=%.1f"
						+ " excusedOverlapSteps=%d staleLessorOverlapSteps=%d disasters=%d windowWrites=%d (latest %s after its event) unraised=%d maxRaise=%s (seed %d)"
						+ " storeRefusals=%d maxStoreRecovery=%s restWritesPerMinuteAfterDisaster=%.2f (<=%.1f)"
						+ " maxServerId=%d faults=%s%n",
				seeds, first, results.stream().filter((result) -> result.members() == 3).count(),
				results.stream().filter(Result::staleLessor).count(), simulated, wall, events, events / wall,
				results.stream().mapToInt(Result::quietStretches).sum(),
				SimRun.seconds(results.stream().mapToLong(Result::maxRecoveryNanos).max().orElse(0)),
				results.stream().mapToLong(Result::guardedWrites).sum(),
				results.stream().mapToDouble(Result::restWritesPerMinute).max().orElse(0),
				results.stream().mapToLong(Result::excusedOverlapSteps).sum(),
				results.stream().mapToLong(Result::staleLessorOverlapSteps).sum(),
				results.stream().mapToInt(Result::disasters).sum(),
				results.stream().mapToLong(Result::windowWrites).sum(),
				SimRun.seconds(results.stream().mapToLong(Result::maxWindowWriteNanos).max().orElse(0)),
				results.stream().mapToInt(Result::unraisedAtEnd).sum(),
				SimRun.seconds(results.stream().mapToLong(Result::maxRaiseNanos).max().orElse(0)),
				results.stream()
					.max(java.util.Comparator.comparingLong(Result::maxRaiseNanos))
					.map(Result::seed)
					.orElse(0L),
				results.stream().mapToLong(Result::storeRefusals).sum(),
				SimRun.seconds(results.stream().mapToLong(Result::maxStoreRecoveryNanos).max().orElse(0)),
				restAfterDisaster(results),
				results.stream().mapToDouble(Result::maxRestWritesPerMinuteAfterDisaster).max().orElse(0),
				results.stream().mapToLong(Result::maxServerId).max().orElse(0), faults);
		if (!failures.isEmpty()) {
			failures.forEach((failure) -> System.out.println("simulation: FAILED " + failure.violation()));
			// The first failing seed again, with a trace this time.
			SimFailure earliest = failures.get(0);
			try {
				new SimRun(earliest.seed(), seconds, 4096).run();
			}
			catch (SimFailure traced) {
				throw new AssertionError(failures.size() + " of " + seeds + " seeds failed: "
						+ failures.stream().map(SimFailure::violation).toList() + "\nThe first, traced: "
						+ traced.getMessage());
			}
			throw earliest;
		}
		assertThat(results).hasSize(seeds);
		assertThat(results).allSatisfy((result) -> assertThat(result.guardedWrites()).isPositive());
	}

	private static double restAfterDisaster(List<Result> results) {
		return results.stream()
			.filter((result) -> result.disasters() > 0)
			.mapToDouble(Result::restWritesPerMinuteAfterDisaster)
			.average()
			.orElse(0);
	}

	@Test
	void replay() {
		Long seed = Long.getLong("sim.seed");
		assumeTrue(seed != null, "replays one seed with -Dsim.seed=N");
		SimRun run = new SimRun(seed, Long.getLong("sim.seconds", 2000), 100_000);
		Result result = run.run();
		if (Boolean.getBoolean("sim.trace")) {
			System.out.println(run.trace());
		}
		System.out.println("simulation: seed " + seed + " kept every invariant: " + result);
	}

}
