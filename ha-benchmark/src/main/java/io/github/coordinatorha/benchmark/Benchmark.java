package io.github.coordinatorha.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.coordinatorha.benchmark.Candidate.Stop;
import io.github.coordinatorha.test.etcd.EtcdCluster;

/**
 * Measures coordinator-ha on a real etcd on loopback beside its peers in the same run
 * ({@code etcdctl elect} / {@code etcdctl lock} on the same etcd, and Spring
 * Integration's JDBC leader initiator on PostgreSQL), then prints a Markdown report and
 * writes it with an SVG chart. Run with {@code scripts/benchmark.sh} ({@code --quick} for
 * a short run), which starts PostgreSQL and passes it as {@code -Dbenchmark.postgres}.
 */
public final class Benchmark {

	private static final Duration DEFAULT_SETTLE = Duration.ofSeconds(1);

	private final Path jar;

	private final Path out;

	private final Path logs;

	private final boolean quick;

	private final EtcdCluster etcd;

	private final String classpath;

	private final JdbcLeaders jdbc;

	private final Handovers handovers;

	private final Report report;

	private final List<Samples> chart = new ArrayList<>();

	private Benchmark(Path jar, Path out, boolean quick, EtcdCluster etcd, String postgres, Duration settle) {
		this.jar = jar;
		this.out = out;
		this.logs = out.resolve("logs");
		this.quick = quick;
		this.etcd = etcd;
		this.classpath = System.getProperty("java.class.path");
		this.jdbc = (postgres != null) ? JdbcLeaders.on(postgres, this.classpath, this.logs.resolve("jdbc")) : null;
		this.handovers = new Handovers(settle);
		this.report = new Report(settle, quick, (this.jdbc != null) ? this.jdbc.describe() : null);
	}

	public static void main(String[] args) throws Exception {
		boolean quick = List.of(args).contains("--quick");
		Path jar = Path.of(System.getProperty("sample.jar", "sample-rootcoord/target/sample-rootcoord.jar"));
		Path out = Path.of(System.getProperty("benchmark.out", "ha-benchmark/target/benchmark"));
		String postgres = System.getProperty("benchmark.postgres");
		Duration settle = Duration.ofMillis(Long.getLong("benchmark.settle-ms", DEFAULT_SETTLE.toMillis()));
		if (!Files.exists(jar)) {
			throw new IllegalStateException("No sample jar at " + jar + ": build it first (scripts/benchmark.sh does)");
		}
		Files.createDirectories(out);
		try (EtcdCluster etcd = EtcdCluster.single()) {
			new Benchmark(jar, out, quick, etcd, postgres, settle).run();
		}
	}

	private void run() throws IOException {
		int graceful = this.quick ? 10 : 50;
		int crashes = this.quick ? 3 : 10;
		// contenders take turns in rounds, so a change in the shared machine's load falls
		// on all of them
		int rounds = this.quick ? 1 : 5;
		this.report.loadAverage("at the start");

		SampleNodes ours = nodes("handover", List.of());
		Etcdctl elect = Etcdctl.elect(this.etcd, this.logs.resolve("etcdctl"));
		Map<Contender, Samples> gracefulRuns = rounds(withJdbc(ours, elect), "graceful handover", rounds, graceful,
				Duration.ofSeconds(10), Stop.GRACEFUL);
		this.report.versus("graceful handover: SIGTERM to the active until the settled standby prints that it leads",
				gracefulRuns.get(ours), gracefulRuns.get(elect), gracefulRuns.get(this.jdbc), null);

		handoverToChosenNode(graceful, gracefulRuns.get(elect), gracefulRuns.get(this.jdbc));

		Etcdctl lock = Etcdctl.lock(this.etcd, this.logs.resolve("etcdctl"));
		for (int ttl : new int[] { 2, 5 }) {
			Map<Contender, Samples> crashRuns = rounds(withJdbc(ours, lock), "crash failover TTL " + ttl + " s",
					this.quick ? 1 : 2, crashes, Duration.ofSeconds(ttl), Stop.CRASH);
			Samples crash = crashRuns.get(ours);
			this.report.versus("crash failover, TTL " + ttl + " s: kill -9 of the active until the standby prints "
					+ "that it leads; ours minus the TTL: median " + Report.fmt(crash.median() - ttl * 1000.0) + " ms",
					crash, crashRuns.get(lock), crashRuns.get(this.jdbc), ttl);
		}

		this.report.startup(startup(this.quick ? 2 : 5));
		restLoad();
		this.report.cost(Cost.measure(this.classpath, this.etcd.endpoints(), this.logs.resolve("cost")));
		scale(this.quick ? 2 : 5);

		this.report.loadAverage("at the end");
		String markdown = this.report.markdown();
		System.out.println();
		System.out.println(markdown);
		Files.writeString(this.out.resolve("results.md"), markdown);
		Files.writeString(this.out.resolve("latency.svg"), Chart
			.svg("coordinator-ha beside etcd's election and Spring Integration JDBC: latency (log scale)", this.chart));
		System.out.println("Wrote " + this.out.resolve("results.md") + " and " + this.out.resolve("latency.svg"));
	}

	/**
	 * The hook for the handover to a chosen node ({@link ChosenHandover}): measured once
	 * the engine hands the role to the standby named in the request, reported as not
	 * measured (and why) until then.
	 */
	private void handoverToChosenNode(int cycles, Samples etcdGraceful, Samples jdbcGraceful) {
		Samples chosen = new Samples("coordinator-ha: handover to a chosen node");
		SampleNodes writable = nodes("chosen", List.of("--management.endpoint.activestandby.access=unrestricted"));
		String notMeasured = new ChosenHandover(writable, this.handovers).measure(chosen, cycles);
		this.report.chosen("handover to a chosen node: POST /actuator/activestandby/rootCoord {\"serverId\": N} until "
				+ "the named standby prints that it leads", chosen, notMeasured, etcdGraceful, jdbcGraceful);
		if (notMeasured == null) {
			this.chart.add(chosen);
		}
	}

	private SampleNodes nodes(String purpose, List<String> extraArguments) {
		return new SampleNodes(this.jar, this.etcd.endpoints(), this.logs.resolve("nodes-" + purpose), extraArguments);
	}

	/**
	 * Two-candidate handovers of each contender, {@code cycles} in all, split into rounds
	 * taken in turn.
	 */
	private Map<Contender, Samples> rounds(List<Contender> contenders, String what, int rounds, int cycles,
			Duration ttl, Stop how) {
		Map<Contender, Samples> samples = new LinkedHashMap<>();
		for (Contender contender : contenders) {
			samples.put(contender, new Samples(contender.name() + ": " + what));
		}
		for (int round = 0; round < rounds; round++) {
			int share = cycles / rounds + ((round < cycles % rounds) ? 1 : 0);
			for (Contender contender : contenders) {
				this.handovers.run(contender, contender.name() + ": " + what, samples.get(contender), 2, share, ttl,
						how, null);
			}
		}
		this.chart.addAll(samples.values());
		return samples;
	}

	private List<Contender> withJdbc(Contender... contenders) {
		List<Contender> all = new ArrayList<>(List.of(contenders));
		if (this.jdbc != null) {
			all.add(this.jdbc);
		}
		return all;
	}

	private Samples startup(int runs) {
		Samples samples = new Samples("coordinator-ha: startup");
		SampleNodes nodes = nodes("startup", List.of());
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			try (ProcessCandidate node = nodes.start("startup-" + System.nanoTime(), Duration.ofSeconds(10))) {
				samples.addNanos(node.awaitGranted(Handovers.WAIT) - start);
				node.stop(Stop.GRACEFUL);
			}
		}
		return samples;
	}

	/**
	 * etcd requests per minute at rest, per node.
	 */
	private void restLoad() {
		EtcdRequests requests = new EtcdRequests(this.etcd.member(0).clientEndpoint());
		Duration window = this.quick ? Duration.ofSeconds(20) : Duration.ofSeconds(60);
		SampleNodes nodes = nodes("rest", List.of());
		String root = "rest-" + System.nanoTime();
		try (ProcessCandidate active = nodes.start(root, Duration.ofSeconds(10))) {
			active.awaitGranted(Handovers.WAIT);
			double activeRate = perMinute(requests, window);
			try (ProcessCandidate standby = nodes.start(root, Duration.ofSeconds(10))) {
				standby.awaitStandby(Handovers.WAIT);
				double bothRate = perMinute(requests, window);
				this.report.rest(activeRate, bothRate - activeRate);
				standby.stop(Stop.GRACEFUL);
			}
			active.stop(Stop.GRACEFUL);
		}
	}

	private static double perMinute(EtcdRequests requests, Duration window) {
		Map<String, Double> before = requests.received();
		long start = System.nanoTime();
		Waits.pause(window);
		double total = EtcdRequests.total(before, requests.received());
		return total * 60e9 / (System.nanoTime() - start);
	}

	/**
	 * Graceful handovers among 2 to 64 candidates: ours as contexts in this JVM (64 JVMs
	 * do not fit 2 cores), etcd's as etcdctl elect processes; latency, and etcd requests
	 * per handover (one standby should wake, not all of them).
	 */
	private void scale(int handoversPerSize) {
		InJvmNodes ours = new InJvmNodes(this.etcd.endpoints());
		Etcdctl elect = Etcdctl.elect(this.etcd, this.logs.resolve("etcdctl-scale"));
		EtcdRequests requests = new EtcdRequests(this.etcd.member(0).clientEndpoint());
		for (int candidates : new int[] { 2, 8, 32, 64 }) {
			Samples oursSamples = new Samples("coordinator-ha in one JVM: handover among " + candidates);
			double oursRequests = this.handovers.run(ours, oursSamples.name, oursSamples, candidates, handoversPerSize,
					Duration.ofSeconds(10), Stop.GRACEFUL, requests);
			Samples electSamples = new Samples("etcdctl elect: handover among " + candidates);
			double electRequests = this.handovers.run(elect, electSamples.name, electSamples, candidates,
					handoversPerSize, Duration.ofSeconds(10), Stop.GRACEFUL, requests);
			this.report.scale(candidates, oursSamples, oursRequests, electSamples, electRequests);
			if (candidates == 2 || candidates == 64) {
				this.chart.add(oursSamples);
				this.chart.add(electSamples);
			}
		}
	}

}
