package io.github.coordinatorha.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.function.ToLongFunction;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.EtcdMember;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 30 s blackhole of the active's connection to etcd (issue 12): its calls hang until
 * their deadlines, and it must not pile up threads of its own, nor streams at etcd, while
 * it waits. Long: in the {@code chaos} profile only ({@code mvn -Pchaos verify}).
 */
@EnabledIfSystemProperty(named = "chaos.long", matches = "true")
class BlackholeTests {

	private static final Duration TTL = ChaosCluster.TTL;

	private static final Duration BLACKHOLE = Duration.ofSeconds(30);

	private EtcdCluster etcd;

	private ChaosCluster cluster;

	@BeforeEach
	void startEtcd() {
		this.etcd = EtcdCluster.single();
	}

	@AfterEach
	void stopAll() {
		if (this.cluster != null) {
			this.cluster.close();
		}
		this.etcd.close();
	}

	@Test
	void duringAThirtySecondBlackholeOfTheActivesEtcdConnectionItsThreadsAndEtcdsStreamGaugesStayFlat() {
		long startedAt = System.nanoTime();
		this.cluster = new ChaosCluster(this.etcd, 2, TTL, DisasterNode.class);
		this.cluster.startTogether(List.of(0, 1), "--chaos.sample-threads=true");
		int active = this.cluster.awaitOneActive(Duration.ofSeconds(30));
		int standby = 1 - active;
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.sessions().size() == 2);
		EtcdMember member = this.etcd.member(0);
		long restingFrom = System.nanoTime();
		List<Streams> before = sample(member, Duration.ofSeconds(5));
		long blackholedAt = System.nanoTime();

		this.cluster.partition(active);
		List<Streams> during = sample(member, BLACKHOLE);
		long healedAt = System.nanoTime();
		this.cluster.heal(active);
		List<Streams> after = sample(member, Duration.ofSeconds(10));
		List<String[]> threads = this.cluster.journal(active)
			.lines()
			.stream()
			.filter((line) -> line[0].equals("TH"))
			.toList();
		LongSummaryStatistics threadsBefore = threads(threads, restingFrom, blackholedAt, 1);
		LongSummaryStatistics threadsDuring = threads(threads, blackholedAt, healedAt, 1);
		LongSummaryStatistics electionBefore = threads(threads, restingFrom, blackholedAt, 2);
		LongSummaryStatistics electionDuring = threads(threads, blackholedAt, healedAt, 2);
		boolean standbyTookOver = this.cluster.journal(standby).first("A", blackholedAt).isPresent();
		Figures.report("30 s blackhole of the active's etcd connection",
				"threads of the active: before " + range(threadsBefore) + " during " + range(threadsDuring)
						+ " (election threads " + range(electionBefore) + " -> " + range(electionDuring)
						+ "); etcd watch streams (mvcc gauge) " + range(before, Streams::watchStreams) + " -> "
						+ range(during, Streams::watchStreams) + " -> " + range(after, Streams::watchStreams)
						+ "; open Watch RPCs " + range(before, Streams::watchRpcs) + " -> "
						+ range(during, Streams::watchRpcs) + " -> " + range(after, Streams::watchRpcs)
						+ "; open LeaseKeepAlive RPCs " + range(before, Streams::keepAliveRpcs) + " -> "
						+ range(during, Streams::keepAliveRpcs) + " -> " + range(after, Streams::keepAliveRpcs)
						+ "; standby took over=" + standbyTookOver + "; took "
						+ (System.nanoTime() - startedAt) / 1_000_000 + "ms");

		assertThat(threadsDuring.getCount()).as("thread samples during the blackhole").isGreaterThan(20);
		assertThat(electionDuring.getMax()).as("the election's own threads during the blackhole")
			.isLessThanOrEqualTo(electionBefore.getMax());
		assertThat(threadsDuring.getMax()).as("every thread of the active during the blackhole")
			.isLessThanOrEqualTo(threadsBefore.getMax() + 4);
		for (ToLongFunction<Streams> gauge : List.<ToLongFunction<Streams>>of(Streams::watchStreams, Streams::watchRpcs,
				Streams::keepAliveRpcs)) {
			long baseline = max(before, gauge);
			assertThat(max(during, gauge)).as("an etcd stream gauge during the blackhole")
				.isLessThanOrEqualTo(baseline + 2);
			assertThat(max(after, gauge)).as("an etcd stream gauge after it").isLessThanOrEqualTo(baseline + 2);
		}
		assertThat(standbyTookOver).as("the standby took over from the cut-off active").isTrue();
	}

	/**
	 * Samples etcd's stream gauges every 500 ms for {@code window}: the window is the
	 * measurement.
	 */
	private static List<Streams> sample(EtcdMember member, Duration window) {
		List<Streams> samples = new ArrayList<>();
		long start = System.nanoTime();
		await().pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(500))
			.atMost(window.plusSeconds(10))
			.until(() -> {
				samples.add(new Streams(EtcdProbe.gauge(member, "etcd_debugging_mvcc_watch_stream_total"),
						EtcdProbe.openStreams(member, "Watch"), EtcdProbe.openStreams(member, "LeaseKeepAlive")));
				return System.nanoTime() - start >= window.toNanos();
			});
		return samples;
	}

	private static LongSummaryStatistics threads(List<String[]> samples, long from, long to, int field) {
		return samples.stream()
			.filter((line) -> Long.parseLong(line[3]) >= from && Long.parseLong(line[3]) < to)
			.mapToLong((line) -> Long.parseLong(line[field]))
			.summaryStatistics();
	}

	private static long max(List<Streams> samples, ToLongFunction<Streams> gauge) {
		return samples.stream().mapToLong(gauge).max().orElseThrow();
	}

	private static String range(List<Streams> samples, ToLongFunction<Streams> gauge) {
		return range(samples.stream().mapToLong(gauge).summaryStatistics());
	}

	private static String range(LongSummaryStatistics statistics) {
		return (statistics.getCount() == 0) ? "-" : statistics.getMin() + ".." + statistics.getMax();
	}

	/**
	 * One sample of etcd's gauges.
	 */
	private record Streams(long watchStreams, long watchRpcs, long keepAliveRpcs) {
	}

}
