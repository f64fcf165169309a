package io.github.coordinatorha.benchmark;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.etcd.jetcd.Client;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.election.ElectionObserver;
import io.github.coordinatorha.election.ElectionSettings;
import io.github.coordinatorha.election.RoleDefinition;
import io.github.coordinatorha.test.etcd.EtcdBinaries;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.NodeProcess;
import io.github.coordinatorha.test.etcd.Ports;

/**
 * Measures coordinator-ha on a real etcd on loopback, and etcd's own election beside
 * it, then prints a Markdown table and writes it with an SVG chart. Run with
 * {@code scripts/benchmark.sh} ({@code --quick} for a short run).
 */
public final class Benchmark {

	private static final String TAKEOVER = "rootcoord switch from standby to active";

	private static final String STANDBY = "is in STANDBY \\.\\.\\. \\(active: serverId";

	private static final Duration WAIT = Duration.ofSeconds(90);

	private final Path jar;

	private final Path out;

	private final boolean quick;

	private final EtcdCluster etcd;

	private final List<String> table = new ArrayList<>();

	private final List<Samples> chart = new ArrayList<>();

	private int nodeCount;

	private Benchmark(Path jar, Path out, boolean quick, EtcdCluster etcd) {
		this.jar = jar;
		this.out = out;
		this.quick = quick;
		this.etcd = etcd;
	}

	public static void main(String[] args) throws Exception {
		boolean quick = List.of(args).contains("--quick");
		Path jar = Path.of(System.getProperty("sample.jar", "sample-rootcoord/target/sample-rootcoord.jar"));
		Path out = Path.of(System.getProperty("benchmark.out", "ha-benchmark/target/benchmark"));
		if (!Files.exists(jar)) {
			throw new IllegalStateException("No sample jar at " + jar + ": build it first (scripts/benchmark.sh does)");
		}
		Files.createDirectories(out);
		try (EtcdCluster etcd = EtcdCluster.single()) {
			new Benchmark(jar, out, quick, etcd).run();
		}
	}

	private void run() throws Exception {
		int graceful = this.quick ? 10 : 50;
		int crashes = this.quick ? 3 : 10;
		this.table.add("| measurement | n | median ms | p99 ms | max ms | etcd's own (median ms) | ours / theirs |");
		this.table.add("|---|---|---|---|---|---|---|");
		Samples elect = etcdctlElect(graceful);
		Samples ours = gracefulHandover(graceful);
		row("graceful handover (SIGTERM to the active until a standby's BecameActiveEvent)", ours, elect);
		for (int ttl : new int[] { 2, 5 }) {
			Samples lock = etcdctlLock(crashes, ttl);
			Samples crash = crashFailover(crashes, ttl);
			row("crash failover, TTL " + ttl + " s (kill -9 until a standby is ACTIVE); excess over TTL: median "
					+ fmt(crash.median() - ttl * 1000.0) + " ms", crash, lock);
		}
		row("startup to BecameActiveEvent, uncontended (JVM start included)", startup(this.quick ? 2 : 5), null);
		restAndCost();
		for (int candidates : new int[] { 2, 8, 32, 64 }) {
			scale(candidates, this.quick ? 2 : 5);
		}
		String markdown = String.join("\n", this.table) + "\n";
		System.out.println();
		System.out.println(markdown);
		Files.writeString(this.out.resolve("results.md"), markdown);
		Files.writeString(this.out.resolve("latency.svg"),
				Chart.svg("coordinator-ha vs etcd's own election: latency distributions (log scale)", this.chart));
		System.out.println("Wrote " + this.out.resolve("results.md") + " and " + this.out.resolve("latency.svg"));
	}

	// Ours, with sample-rootcoord processes

	private NodeProcess node(String rootPath, String ttl) {
		int port = Ports.free();
		String name = "node-" + (++this.nodeCount);
		return NodeProcess.start(name,
				List.of(NodeProcess.javaExecutable(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", this.jar.toString(),
						"--server.port=" + port, "--server.address=127.0.0.1",
						"--ha.session.address=127.0.0.1:" + port, "--ha.etcd.endpoints=" + this.etcd.endpoints(),
						"--rootCoord.activeStandby.enabled=true", "--ha.session.ttl=" + ttl,
						"--ha.etcd.root-path=" + rootPath, "--logging.level.root=WARN",
						"--logging.level.io.github.coordinatorha=INFO"),
				this.out.resolve("logs").resolve(name + ".log"));
	}

	private Samples gracefulHandover(int cycles) {
		return handovers("ours: graceful handover", cycles, "10s", true);
	}

	private Samples crashFailover(int cycles, int ttl) {
		return handovers("ours: crash failover TTL " + ttl + "s", cycles, ttl + "s", false);
	}

	private Samples handovers(String name, int cycles, String ttl, boolean graceful) {
		Samples samples = new Samples(name);
		String root = "bench-" + System.nanoTime();
		NodeProcess active = node(root, ttl);
		active.awaitLine(TAKEOVER, WAIT);
		NodeProcess standby = node(root, ttl);
		standby.awaitLine(STANDBY, WAIT);
		try {
			for (int i = 0; i < cycles; i++) {
				long start = System.nanoTime();
				if (graceful) {
					active.terminate();
				}
				else {
					active.kill();
				}
				long tookOver = standby.awaitLine(TAKEOVER, WAIT);
				samples.addNanos(tookOver - start);
				progress(name, i + 1, cycles, (tookOver - start) / 1e6);
				active = standby;
				standby = node(root, ttl);
				standby.awaitLine(STANDBY, WAIT);
			}
		}
		finally {
			active.close();
			standby.close();
		}
		this.chart.add(samples);
		return samples;
	}

	private Samples startup(int runs) {
		Samples samples = new Samples("ours: startup");
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			NodeProcess node = node("bench-" + System.nanoTime(), "10s");
			try {
				samples.addNanos(node.awaitLine(TAKEOVER, WAIT) - start);
			}
			finally {
				node.terminate();
			}
		}
		return samples;
	}

	/**
	 * etcd requests per minute at rest, per node, and what the starter costs an
	 * application in threads and heap.
	 */
	private void restAndCost() throws Exception {
		EtcdRequests requests = new EtcdRequests(this.etcd.member(0).clientEndpoint());
		Duration window = this.quick ? Duration.ofSeconds(20) : Duration.ofSeconds(60);
		String root = "rest-" + System.nanoTime();
		NodeProcess active = node(root, "10s");
		active.awaitLine(TAKEOVER, WAIT);
		double activeRate = perMinute(requests, window);
		NodeProcess standby = node(root, "10s");
		standby.awaitLine(STANDBY, WAIT);
		double bothRate = perMinute(requests, window);
		active.terminate();
		standby.terminate();
		this.table.add("");
		this.table.add("| at rest, TTL 10 s | etcd requests per minute |");
		this.table.add("|---|---|");
		this.table.add("| active node | " + fmt(activeRate) + " |");
		this.table.add("| standby node (watches, does not poll) | " + fmt(bothRate - activeRate) + " |");
		Cost cost = Cost.measure(this.etcd.endpoints());
		this.table.add("");
		this.table.add("| cost to an application | threads | heap after GC (MiB) |");
		this.table.add("|---|---|---|");
		this.table.add("| Spring context, every role disabled | " + cost.baseThreads + " | " + fmt(cost.baseHeap) + " |");
		this.table.add("| Spring context, rootCoord in active-standby mode | " + cost.electedThreads + " | "
				+ fmt(cost.electedHeap) + " |");
		this.table.add("| added by the starter | " + (cost.electedThreads - cost.baseThreads) + " | "
				+ fmt(cost.electedHeap - cost.baseHeap) + " |");
	}

	private double perMinute(EtcdRequests requests, Duration window) throws InterruptedException {
		Map<String, Double> before = requests.received();
		long start = System.nanoTime();
		Thread.sleep(window.toMillis());
		double total = EtcdRequests.total(before, requests.received());
		return total * 60e9 / (System.nanoTime() - start);
	}

	/**
	 * Handovers among {@code candidates} in-JVM nodes: latency, and etcd requests per
	 * handover (one standby should wake, not all of them).
	 */
	private void scale(int candidates, int handovers) throws Exception {
		if (candidates == 2) {
			this.table.add("");
			this.table.add("| candidates (in one JVM) | handovers | median ms | max ms | etcd requests per handover |");
			this.table.add("|---|---|---|---|---|");
		}
		String root = "scale-" + System.nanoTime();
		List<long[]> activations = new CopyOnWriteArrayList<>();
		List<ElectionNode> nodes = new ArrayList<>();
		List<Client> clients = new ArrayList<>();
		try {
			for (int i = 0; i < candidates; i++) {
				nodes.add(candidate(root, nodes.size(), clients, activations));
				if (i == 0) {
					await(() -> activations.size() == 1);
				}
			}
			awaitAllSeeTheActive(nodes);
			EtcdRequests requests = new EtcdRequests(this.etcd.member(0).clientEndpoint());
			Samples samples = new Samples("ours: handover among " + candidates);
			double requestsPerHandover = 0;
			for (int h = 0; h < handovers; h++) {
				int activeIndex = (int) activations.get(activations.size() - 1)[0];
				int seen = activations.size();
				Map<String, Double> before = requests.received();
				long start = System.nanoTime();
				nodes.get(activeIndex).stop();
				await(() -> activations.size() > seen);
				samples.addNanos(activations.get(seen)[1] - start);
				// let the handover's writes settle before counting them
				Thread.sleep(200);
				Map<String, Double> after = requests.received();
				after.remove("LeaseKeepAlive");
				before.remove("LeaseKeepAlive");
				requestsPerHandover += EtcdRequests.total(before, after);
				// keep the number of candidates: a new one joins at the back of the queue
				nodes.add(candidate(root, nodes.size(), clients, activations));
				awaitAllSeeTheActive(nodes);
			}
			this.table.add("| " + candidates + " | " + handovers + " | " + fmt(samples.median()) + " | "
					+ fmt(samples.max()) + " | " + fmt(requestsPerHandover / handovers) + " |");
			if (candidates == 64 || candidates == 2) {
				this.chart.add(samples);
			}
		}
		finally {
			nodes.forEach(ElectionNode::stop);
			clients.forEach(Client::close);
		}
	}

	private ElectionNode candidate(String root, int index, List<Client> clients, List<long[]> activations) {
		Client client = Client.builder().endpoints(this.etcd.endpoints().split(",")).build();
		clients.add(client);
		ElectionNode node = new ElectionNode(client,
				new ElectionSettings("bench", root, Duration.ofSeconds(10), Duration.ofSeconds(3),
						() -> "127.0.0.1:" + (20000 + index), "bench", "bench"),
				List.of(new RoleDefinition("rootCoord", true)), (event) -> {
					if (event instanceof BecameActiveEvent active && active.getFencingToken() != null) {
						activations.add(new long[] { index, System.nanoTime() });
					}
				}, null, ElectionObserver.NONE);
		node.start();
		return node;
	}

	private static void awaitAllSeeTheActive(List<ElectionNode> nodes) throws InterruptedException {
		await(() -> nodes.stream()
			.filter(ElectionNode::isRunning)
			.filter((node) -> !node.isActive("rootCoord"))
			.allMatch((node) -> node.status("rootCoord").activeServerId() != 0));
	}

	// etcd's own election, with etcdctl

	private NodeProcess etcdctl(String name, String... args) {
		List<String> command = new ArrayList<>();
		command.add(EtcdBinaries.etcdctl().toString());
		command.add("--endpoints=" + this.etcd.endpoints());
		command.addAll(List.of(args));
		return NodeProcess.start(name, command, this.out.resolve("logs").resolve(name + "-" + System.nanoTime() + ".log"));
	}

	private Samples etcdctlElect(int cycles) throws InterruptedException {
		Samples samples = new Samples("etcdctl elect: graceful (SIGINT)");
		String election = "elect-" + System.nanoTime();
		NodeProcess leader = etcdctl("elect", "elect", election, "p0");
		leader.awaitLine("^p0$", WAIT);
		NodeProcess follower = etcdctl("elect", "elect", election, "p1");
		try {
			for (int i = 1; i <= cycles; i++) {
				awaitQueued(election, follower);
				long start = System.nanoTime();
				leader.interrupt();
				long elected = follower.awaitLine("^p" + i + "$", WAIT);
				samples.addNanos(elected - start);
				leader.close();
				leader = follower;
				follower = etcdctl("elect", "elect", election, "p" + (i + 1));
			}
		}
		finally {
			leader.close();
			follower.close();
		}
		this.chart.add(samples);
		return samples;
	}

	private Samples etcdctlLock(int cycles, int ttl) throws InterruptedException {
		Samples samples = new Samples("etcdctl lock --ttl " + ttl + ": crash (kill -9)");
		String lock = "lock-" + System.nanoTime();
		NodeProcess holder = etcdctl("lock", "lock", "--ttl", Integer.toString(ttl), lock);
		holder.awaitLine(lock, WAIT);
		NodeProcess waiter = etcdctl("lock", "lock", "--ttl", Integer.toString(ttl), lock);
		try {
			for (int i = 0; i < cycles; i++) {
				awaitQueued(lock, waiter);
				long start = System.nanoTime();
				holder.kill();
				long acquired = waiter.awaitLine(lock, WAIT);
				samples.addNanos(acquired - start);
				holder = waiter;
				waiter = etcdctl("lock", "lock", "--ttl", Integer.toString(ttl), lock);
			}
		}
		finally {
			holder.close();
			waiter.close();
		}
		this.chart.add(samples);
		return samples;
	}

	/**
	 * Waits until a new etcdctl waiter has queued behind the holder: two keys under the
	 * election's prefix. It prints nothing until it wins.
	 */
	private void awaitQueued(String prefix, NodeProcess waiter) throws InterruptedException {
		await(() -> {
			if (!waiter.isAlive()) {
				throw new IllegalStateException("etcdctl waiter exited:\n" + waiter.tail(20));
			}
			return this.etcd.etcdctl("get", "--prefix", "--keys-only", prefix).lines()
				.filter((line) -> !line.isBlank()).count() == 2;
		});
	}

	// Output

	private void row(String what, Samples ours, Samples theirs) {
		String ratio = (theirs != null) ? fmt(ours.median() / theirs.median()) + "x" : "";
		this.table.add("| " + what + " | " + ours.count() + " | " + fmt(ours.median()) + " | "
				+ fmt(ours.percentile(99)) + " | " + fmt(ours.max()) + " | "
				+ ((theirs != null) ? fmt(theirs.median()) + " (p99 " + fmt(theirs.percentile(99)) + ")" : "")
				+ " | " + ratio + " |");
	}

	private static void progress(String name, int done, int total, double millis) {
		System.out.printf(Locale.ROOT, "%s: %d/%d %.1f ms%n", name, done, total, millis);
	}

	private static String fmt(double value) {
		return String.format(Locale.ROOT, (Math.abs(value) >= 100) ? "%.0f" : "%.1f", value);
	}

	private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Condition not met within " + WAIT);
			}
			Thread.sleep(1);
		}
	}

	static long usedHeap() {
		System.gc();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
