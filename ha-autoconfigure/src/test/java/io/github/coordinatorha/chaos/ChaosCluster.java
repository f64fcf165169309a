package io.github.coordinatorha.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.NodeProcess;
import io.github.coordinatorha.test.etcd.TcpProxy;

import static org.awaitility.Awaitility.await;

/**
 * Chaos node processes on a real etcd cluster, each reaching every member through a
 * {@link TcpProxy} of its own so that a test can cut one node off. Every run of a node
 * writes its own journal; {@link #check()} reads them all.
 */
final class ChaosCluster implements AutoCloseable {

	/**
	 * The session TTL unless a test asks for another.
	 */
	static final Duration TTL = Duration.ofSeconds(2);

	private final Duration ttl;

	private final Class<?> mainClass;

	private static final String COUNTER = "chaos/counter";

	private final EtcdCluster etcd;

	private final Path home;

	private final List<Slot> slots = new ArrayList<>();

	private final String rootPath = "chaos-" + System.nanoTime();

	private final class Slot {

		final int index;

		final List<TcpProxy> proxies;

		NodeProcess process;

		Path journal;

		Path control;

		int runs;

		Slot(int index) {
			this.index = index;
			this.proxies = ChaosCluster.this.etcd.members().stream().map((m) -> TcpProxy.to(m.clientPort())).toList();
		}

	}

	ChaosCluster(EtcdCluster etcd, int nodes) {
		this(etcd, nodes, TTL);
	}

	ChaosCluster(EtcdCluster etcd, int nodes, Duration ttl) {
		this(etcd, nodes, ttl, ChaosNode.class);
	}

	/**
	 * Nodes that run {@code mainClass} (a node class of this package, such as
	 * {@link DisasterNode}) rather than {@link ChaosNode}.
	 */
	ChaosCluster(EtcdCluster etcd, int nodes, Duration ttl, Class<?> mainClass) {
		this.etcd = etcd;
		this.ttl = ttl;
		this.mainClass = mainClass;
		try {
			this.home = Files.createTempDirectory("chaos-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		IntStream.range(0, nodes).forEach((i) -> this.slots.add(new Slot(i)));
	}

	EtcdCluster etcd() {
		return this.etcd;
	}

	int size() {
		return this.slots.size();
	}

	/**
	 * Starts a new run of node {@code index} and waits until it has started.
	 */
	void start(int index) {
		start(index, List.of());
	}

	/**
	 * Starts a new run of node {@code index} with further arguments
	 * ({@code --name=value}), and waits until it has started.
	 */
	void start(int index, String... extraArgs) {
		start(index, List.of(), extraArgs);
	}

	/**
	 * Starts a new run of node {@code index} with JVM options of its own, and waits until
	 * it has started.
	 */
	void start(int index, List<String> jvmOptions) {
		start(index, jvmOptions, new String[0]);
	}

	/**
	 * Starts a new run of node {@code index} with JVM options and further arguments, and
	 * waits until it has started.
	 */
	void start(int index, List<String> jvmOptions, String... extraArgs) {
		Slot slot = this.slots.get(index);
		slot.runs++;
		String name = "node" + index + "-run" + slot.runs;
		slot.journal = this.home.resolve(name + ".journal");
		slot.control = this.home.resolve(name + ".control");
		String endpoints = slot.proxies.stream().map((p) -> p.endpoint("http")).collect(Collectors.joining(","));
		List<String> command = new ArrayList<>(
				List.of(NodeProcess.javaExecutable(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", classPath(), this.mainClass.getName(), "--ha.etcd.endpoints=" + endpoints,
				"--ha.session.ttl=" + this.ttl.toSeconds() + "s", "--ha.etcd.request-timeout=1s",
				"--ha.etcd.root-path=" + this.rootPath, "--rootCoord.activeStandby.enabled=true",
				"--spring.main.banner-mode=off", "--chaos.journal=" + slot.journal,
				"--chaos.counter-key=" + this.rootPath + "/" + COUNTER, "--chaos.control=" + slot.control));
		command.addAll(List.of(extraArgs));
		slot.process = NodeProcess.start(name, command, this.home.resolve(name + ".log"));
		slot.process.awaitLine("Started " + this.mainClass.getSimpleName(), Duration.ofSeconds(60));
	}

	/**
	 * Starts a new run of each node at once, and waits until all have started: JVMs start
	 * faster side by side than one after another.
	 * @param extraArgs further arguments for every node
	 */
	void startTogether(List<Integer> indexes, String... extraArgs) {
		List<CompletableFuture<Void>> starting = indexes.stream()
			.map((index) -> CompletableFuture.runAsync(() -> start(index, extraArgs),
					(task) -> new Thread(task, "start-node" + index).start()))
			.toList();
		CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
	}

	/**
	 * Hands a command to the current run of node {@code index}, which a
	 * {@link DisasterNode} reads from its control file.
	 */
	void control(int index, String command) {
		try {
			Files.writeString(this.slots.get(index).control, command + "\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The proxy through which node {@code node} reaches etcd member {@code member}.
	 */
	TcpProxy proxy(int node, int member) {
		return this.slots.get(node).proxies.get(member);
	}

	/**
	 * The etcd root path of the nodes: every key they write is under it.
	 */
	String rootPath() {
		return this.rootPath;
	}

	/**
	 * The temporary folder of the run: journals, logs, control files.
	 */
	Path home() {
		return this.home;
	}

	/**
	 * Every line the current run of node {@code index} has printed so far.
	 */
	List<String> output(int index) {
		return this.slots.get(index).process.lines();
	}

	private static String classPath() {
		return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
	}

	/**
	 * Starts node 0, waits until it is ACTIVE, then starts node 1 as its standby.
	 */
	void startActiveThenStandby() {
		start(0);
		awaitOneActive(Duration.ofSeconds(30));
		start(1);
		awaitStandby(1, Duration.ofSeconds(30));
	}

	/**
	 * Waits until the current run of node {@code index} has joined the role as a standby
	 * (it logs Milvus's line for that), so that it is there to take a handover.
	 */
	void awaitStandby(int index, Duration atMost) {
		this.slots.get(index).process.awaitLine("is in STANDBY", atMost);
	}

	/**
	 * kill -9, and marks the journal with the time.
	 */
	void kill(int index) {
		Slot slot = this.slots.get(index);
		long killedAt = System.nanoTime();
		slot.process.kill();
		Journal.markKilled(slot.journal, killedAt);
	}

	/**
	 * SIGTERM, and waits for the process to end.
	 * @return the exit code
	 */
	int terminate(int index) {
		Slot slot = this.slots.get(index);
		int exit = slot.process.terminate();
		Journal.markKilled(slot.journal, System.nanoTime());
		return exit;
	}

	void pause(int index) {
		this.slots.get(index).process.pause();
	}

	void resume(int index) {
		this.slots.get(index).process.resume();
	}

	/**
	 * Cuts node {@code index} off from every etcd member: its connections stay open but
	 * carry nothing.
	 */
	void partition(int index) {
		this.slots.get(index).proxies.forEach(TcpProxy::blackhole);
	}

	void drop(int index) {
		this.slots.get(index).proxies.forEach(TcpProxy::drop);
	}

	void delay(int index, Duration delay) {
		this.slots.get(index).proxies.forEach((proxy) -> proxy.delay(delay));
	}

	void heal(int index) {
		this.slots.get(index).proxies.forEach(TcpProxy::pass);
	}

	boolean isRunning(int index) {
		Slot slot = this.slots.get(index);
		return slot.process != null && slot.process.isAlive();
	}

	/**
	 * What the node's current run journaled.
	 */
	JournalView journal(int index) {
		return JournalView.read(this.slots.get(index).journal);
	}

	/**
	 * Waits until exactly one running node reports ACTIVE in its journal.
	 * @return its index
	 */
	int awaitOneActive(Duration timeout) {
		int[] found = new int[1];
		await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
			List<Integer> active = IntStream.range(0, size())
				.filter((i) -> isRunning(i) && journal(i).isActive())
				.boxed()
				.toList();
			if (active.size() == 1) {
				found[0] = active.get(0);
				return true;
			}
			return false;
		});
		return found[0];
	}

	/**
	 * Stops every running node gracefully, then checks the invariant over every run.
	 */
	InvariantChecker.Result check() {
		IntStream.range(0, size()).filter(this::isRunning).forEach(this::terminate);
		InvariantChecker checker = new InvariantChecker();
		try (var journals = Files.list(this.home)) {
			journals.filter((file) -> file.toString().endsWith(".journal")).sorted().forEach(checker::read);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String counter = this.etcd.etcdctl("get", "--print-value-only", this.rootPath + "/" + COUNTER).strip();
		return checker.check(counter.isEmpty() ? 0 : Long.parseLong(counter));
	}

	/**
	 * The session keys registered in etcd now, for example {@code rootcoord-2}.
	 */
	List<String> sessions() {
		String prefix = this.rootPath + "/meta/session/rootcoord-";
		return this.etcd.etcdctl("get", "--prefix", "--keys-only", prefix)
			.lines()
			.filter((line) -> !line.isBlank())
			.map((line) -> line.substring(line.lastIndexOf('/') + 1))
			.sorted()
			.toList();
	}

	/**
	 * The value of the server ID counter now.
	 */
	long serverIdCounter() {
		return Long
			.parseLong(this.etcd.etcdctl("get", "--print-value-only", this.rootPath + "/meta/session/id").strip());
	}

	boolean logged(int index, String regex) {
		return this.slots.get(index).process.hasLine(regex);
	}

	@Override
	public void close() {
		for (Slot slot : this.slots) {
			if (slot.process != null) {
				slot.process.close();
			}
			slot.proxies.forEach(TcpProxy::close);
		}
	}

}
