package io.github.coordinatorha.sample.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.sample.proxy.ClientLoop.Call;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import io.github.coordinatorha.test.etcd.NodeProcess;
import io.github.coordinatorha.test.etcd.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy and two sample-rootcoord processes from their executable jars against a real
 * etcd, with a client calling the proxy all along: the active RootCoord is handed over
 * gracefully through its endpoint ({@code proxy.handovers} times, 10 by default) and by
 * SIGTERM ({@code proxy.stops} times, once by default), then killed with SIGKILL
 * ({@code proxy.crashes} times, 3 by default); a stopped or killed node is replaced by a
 * fresh standby. It prints the client's view, the lines starting {@code proxy:}, the
 * stops counted with the graceful handovers.
 */
class ProxyHandoverIT {

	private static final int HANDOVERS = Integer.getInteger("proxy.handovers", 10);

	private static final int CRASHES = Integer.getInteger("proxy.crashes", 3);

	/**
	 * Graceful stops (SIGTERM) of the active, after the handovers and before the crashes.
	 */
	private static final int STOPS = Integer.getInteger("proxy.stops", 1);

	/** The RootCoords' session TTL. */
	private static final Duration TTL = Duration.ofSeconds(2);

	/**
	 * How long after a kill the client may wait for its first answer at most: about one
	 * TTL, with room for a loaded machine.
	 */
	private static final Duration CRASH_BOUND = TTL.plusSeconds(3);

	/**
	 * Options of every JVM the test starts. By default C1 only and the serial collector:
	 * half the CPU to start each JVM on a 2-core machine. The client's view in
	 * BENCHMARKS.md comes from a run with
	 * {@code -Dproxy.jvm-options=-XX:TieredStopAtLevel=1}, the options the benchmark
	 * starts its nodes with.
	 */
	private static final List<String> JVM_OPTIONS = List
		.of(System.getProperty("proxy.jvm-options", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC").strip().split("\\s+"))
		.stream()
		.filter((option) -> !option.isEmpty())
		.toList();

	private static final String ROLE = "/actuator/activestandby/rootCoord";

	/** How a RootCoord logs a term it won. */
	private static final Pattern ACTIVE_TERM = Pattern.compile("register ACTIVE service successfully.*term=(\\d+)");

	/** How long after a crash's first answer a failure may still end. */
	private static final Duration SLACK = Duration.ofMillis(500);

	/** Answers the client waits for between two handovers or crashes. */
	private static final int ANSWERS_BETWEEN = 20;

	private static final Duration STARTUP = Duration.ofSeconds(90);

	/** How long a handover or a takeover after a crash may take at most. */
	private static final Duration TAKEOVER = Duration.ofSeconds(20);

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final String rootPath = "proxy-it-" + System.nanoTime();

	private final List<NodeProcess> processes = new ArrayList<>();

	/**
	 * The terms in which a RootCoord was ACTIVE: seen in its status, or in its log.
	 */
	private final Set<Long> activeTerms = ConcurrentHashMap.newKeySet();

	private Path logs;

	@AfterEach
	void stopProcesses() {
		this.processes.forEach(NodeProcess::close);
	}

	@Test
	void callsThroughTheProxyRideThroughHandoversStopsAndCrashesAndOnlyTheActiveServesThem(TestInfo test) {
		this.logs = Path.of("target", "node-logs", getClass().getSimpleName(), test.getTestMethod().get().getName());
		List<RootCoord> nodes = new ArrayList<>(List.of(startRootCoord("rootcoord-1"), startRootCoord("rootcoord-2")));
		List<RootCoord> started = new ArrayList<>(nodes);
		int proxy = startProxy();
		RootCoord active = awaitActive(nodes, (node) -> true, STARTUP);
		awaitStandby(otherThan(active, nodes));
		await().atMost(STARTUP).ignoreExceptions().until(() -> post(proxy, "/api/v1/ids?count=1").statusCode() == 200);

		List<Disruption> handovers = new ArrayList<>();
		List<Disruption> stops = new ArrayList<>();
		List<Disruption> crashes = new ArrayList<>();
		List<Call> calls;
		try (ClientLoop client = ClientLoop.start(proxy, 2, Duration.ofSeconds(5))) {
			for (int i = 0; i < HANDOVERS; i++) {
				awaitAnswers(client);
				long from = System.nanoTime();
				JsonNode answer = json.readTree(postJson(active.port(), ROLE).body());
				assertThat(answer.path("outcome").asString()).as(answer.toString()).isEqualTo("HANDED_OVER");
				long successor = answer.path("successorServerId").asLong();
				RootCoord next = awaitActive(nodes, (node) -> node.serverId() == successor, TAKEOVER);
				handovers.add(new Disruption(from, System.nanoTime()));
				active = next;
			}
			for (int i = 0; i < STOPS; i++) {
				awaitAnswers(client);
				RootCoord stopped = active;
				long from = System.nanoTime();
				CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> stopped.process().terminate());
				nodes.remove(stopped);
				active = awaitActive(nodes, (node) -> true, TAKEOVER);
				stops.add(new Disruption(from, System.nanoTime()));
				assertThat(exit.join()).as("exit code after SIGTERM, once its shutdown hooks ran").isEqualTo(143);
				RootCoord fresh = startRootCoord("rootcoord-" + (started.size() + 1));
				nodes.add(fresh);
				started.add(fresh);
				awaitStandby(fresh);
			}
			for (int i = 0; i < CRASHES; i++) {
				awaitAnswers(client);
				RootCoord killed = active;
				long from = System.nanoTime();
				killed.process().kill();
				nodes.remove(killed);
				active = awaitActive(nodes, (node) -> true, TAKEOVER);
				crashes.add(new Disruption(from, System.nanoTime()));
				if (i < CRASHES - 1) {
					RootCoord fresh = startRootCoord("rootcoord-" + (started.size() + 1));
					nodes.add(fresh);
					started.add(fresh);
					awaitStandby(fresh);
				}
			}
			awaitAnswers(client);
			calls = client.stop();
		}

		// Terms the polling could not see: a session lost under load and won back.
		started.forEach((node) -> node.process().lines().forEach(this::noteActiveTerm));
		List<Call> answered = calls.stream().filter(Call::succeeded).toList();
		List<Call> failed = calls.stream().filter((call) -> !call.succeeded()).toList();
		List<Window> crashWindows = crashes.stream().map((crash) -> crash.window(answered)).toList();
		System.out.println(ClientView.of(handovers, stops, crashes, crashWindows, answered, failed, calls.size()));
		List<Disruption> graceful = new ArrayList<>(handovers);
		graceful.addAll(stops);
		String failures = ClientView.failures(graceful, crashes, failed);
		System.out.println("Failed calls:" + (failures.isEmpty() ? " none" : failures));

		long firstKill = crashes.isEmpty() ? Long.MAX_VALUE : crashes.get(0).from();
		assertThat(failed).as("calls that failed across the graceful handovers:" + failures)
			.noneMatch((call) -> call.end() < firstKill);
		assertThat(failed)
			.as("calls that failed outside every crash window (from the kill to the first answer after it, plus "
					+ SLACK.toMillis() + " ms):" + failures)
			.allMatch((call) -> crashWindows.stream().anyMatch((window) -> window.holds(call)));
		assertThat(failed).filteredOn((call) -> call.status() != 0)
			.as("the proxy's answers to the calls that failed")
			.allSatisfy((call) -> {
				assertThat(call.status()).isIn(502, 503, 504);
				assertThat(call.failure()).contains("\"title\":").contains("\"role\":\"rootCoord\"");
			});
		assertThat(crashWindows).as("from each kill to the client's first answer after it, at most " + CRASH_BOUND)
			.allMatch((window) -> window.to() - SLACK.toNanos() - window.from() <= CRASH_BOUND.toNanos());
		assertThat(answered).extracting(Call::first).as("allocated IDs").doesNotHaveDuplicates();
		assertThat(laterButLower(answered, Call::first))
			.as("answers to calls sent after another was answered,"
					+ " with a lower ID than that one (a deposed active serving)")
			.isEmpty();
		assertThat(laterButLower(answered, Call::term))
			.as("answers to calls sent after another was answered," + " in an older term than that one")
			.isEmpty();
		assertThat(answered.stream().sorted(Comparator.comparingLong(Call::first)).map(Call::term).toList())
			.as("terms of the answers, by ID")
			.isSorted();
		assertThat(answered).extracting(Call::term)
			.as("terms of the answers: each one a term in which a RootCoord was ACTIVE, " + this.activeTerms)
			.isSubsetOf(this.activeTerms);
		assertThat(answered).hasSizeGreaterThan((HANDOVERS + STOPS + CRASHES + 1) * ANSWERS_BETWEEN);
	}

	/**
	 * The answers to calls sent after another call was answered whose value they are
	 * lower than: none, when only the active serves and its IDs and terms only grow. One
	 * pass over the calls by start time, against the highest value of those that ended
	 * before.
	 */
	private static List<Call> laterButLower(List<Call> answered, ToLongFunction<Call> value) {
		List<Call> byEnd = answered.stream().sorted(Comparator.comparingLong(Call::end)).toList();
		List<Call> byStart = answered.stream().sorted(Comparator.comparingLong(Call::start)).toList();
		List<Call> lower = new ArrayList<>();
		long highestEnded = Long.MIN_VALUE;
		int ended = 0;
		for (Call call : byStart) {
			while (ended < byEnd.size() && byEnd.get(ended).end() < call.start()) {
				highestEnded = Math.max(highestEnded, value.applyAsLong(byEnd.get(ended++)));
			}
			if (value.applyAsLong(call) < highestEnded) {
				lower.add(call);
			}
		}
		return lower;
	}

	private RootCoord startRootCoord(String name) {
		int port = Ports.free();
		NodeProcess process = start(name, "rootcoord.jar", "../sample-rootcoord/target/sample-rootcoord.jar",
				"--server.port=" + port, "--server.address=127.0.0.1", "--ha.session.address=127.0.0.1:" + port,
				"--rootCoord.activeStandby.enabled=true", "--ha.session.ttl=2s",
				"--management.endpoint.activestandby.access=unrestricted");
		return new RootCoord(name, port, process);
	}

	private int startProxy() {
		int port = Ports.free();
		start("proxy", "proxy.jar", "target/sample-proxy.jar", "--server.port=" + port, "--server.address=127.0.0.1");
		return port;
	}

	private NodeProcess start(String name, String jarProperty, String defaultJar, String... arguments) {
		Path jar = Path.of(System.getProperty(jarProperty, defaultJar));
		assertThat(jar).as(jarProperty).exists();
		List<String> command = new ArrayList<>(List.of(NodeProcess.javaExecutable(), "-Xmx256m"));
		command.addAll(JVM_OPTIONS);
		command.addAll(List.of("-jar", jar.toString(), "--ha.etcd.endpoints=" + etcd.endpoints(),
				"--ha.etcd.root-path=" + this.rootPath));
		command.addAll(List.of(arguments));
		NodeProcess process = NodeProcess.start(name, command, this.logs.resolve(name + ".log"));
		this.processes.add(process);
		return process;
	}

	/**
	 * Waits until one of {@code nodes} that passes {@code candidate} is ACTIVE, and notes
	 * its term.
	 */
	private RootCoord awaitActive(List<RootCoord> nodes, Predicate<RootCoord> candidate, Duration timeout) {
		return await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
			for (RootCoord node : nodes) {
				Optional<JsonNode> status = status(node);
				if (status.isPresent() && candidate.test(node)
						&& "ACTIVE".equals(status.get().path("state").asString())) {
					this.activeTerms.add(revision(status.get().path("fencingToken").path("value").asLong()));
					return Optional.of(node);
				}
			}
			return Optional.<RootCoord>empty();
		}, Optional::isPresent).get();
	}

	private void noteActiveTerm(String logLine) {
		Matcher term = ACTIVE_TERM.matcher(logLine);
		if (term.find()) {
			this.activeTerms.add(revision(Long.parseLong(term.group(1))));
		}
	}

	/**
	 * The revision part of a fencing token: the term as a RootCoord's answer names it.
	 */
	private static long revision(long fencingToken) {
		return fencingToken & ((1L << FencingToken.REVISION_BITS) - 1);
	}

	private void awaitStandby(RootCoord node) {
		await().atMost(STARTUP)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> status(node).map((status) -> status.path("state").asString()).orElse(""), "STANDBY"::equals);
	}

	/**
	 * The node's status for rootCoord, and its server ID noted; empty while it does not
	 * answer.
	 */
	private Optional<JsonNode> status(RootCoord node) {
		try {
			HttpResponse<String> response = http.send(request(node.port(), ROLE).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				return Optional.empty();
			}
			JsonNode status = json.readTree(response.body()).path("status");
			node.serverId(status.path("serverId").asLong());
			return Optional.of(status);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitAnswers(ClientLoop client) {
		int answered = client.answered();
		await().atMost(Duration.ofSeconds(30)).until(() -> client.answered() >= answered + ANSWERS_BETWEEN);
	}

	private static RootCoord otherThan(RootCoord node, List<RootCoord> nodes) {
		return nodes.stream().filter((other) -> other != node).findFirst().orElseThrow();
	}

	private static HttpResponse<String> post(int port, String path) throws IOException, InterruptedException {
		return http.send(request(port, path).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * A handover, as the docs have operators send it.
	 */
	private static HttpResponse<String> postJson(int port, String path) {
		try {
			return http.send(request(port, path).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static HttpRequest.Builder request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
	}

	/**
	 * A RootCoord process; its server ID is known once its status was read.
	 */
	private static final class RootCoord {

		private final String name;

		private final int port;

		private final NodeProcess process;

		private volatile long serverId;

		RootCoord(String name, int port, NodeProcess process) {
			this.name = name;
			this.port = port;
			this.process = process;
		}

		int port() {
			return this.port;
		}

		NodeProcess process() {
			return this.process;
		}

		long serverId() {
			return this.serverId;
		}

		void serverId(long serverId) {
			this.serverId = serverId;
		}

		@Override
		public String toString() {
			return this.name + " (serverId " + this.serverId + ", port " + this.port + ")";
		}

	}

	/**
	 * A handover or a crash: from the handover's request or the kill to the moment the
	 * successor was seen ACTIVE, in {@link System#nanoTime()}.
	 */
	record Disruption(long from, long to) {

		/**
		 * From the kill to the first answer of a call sent after it, plus the slack.
		 */
		Window window(List<Call> answered) {
			long firstAnswer = answered.stream()
				.filter((call) -> call.start() >= this.from)
				.mapToLong(Call::end)
				.min()
				.orElse(Long.MAX_VALUE - SLACK.toNanos());
			return new Window(this.from, firstAnswer + SLACK.toNanos());
		}

	}

	/**
	 * A span of {@link System#nanoTime()} that failed calls may fall in.
	 */
	record Window(long from, long to) {

		/**
		 * Whether the call failed within the window: it ended after the window began and
		 * was sent before it closed.
		 */
		boolean holds(Call call) {
			return call.end() >= this.from && call.start() <= this.to;
		}

	}

	/**
	 * The client's view of the run: per handover and per crash, the longest gap between
	 * two answers around it and the calls that failed in it.
	 */
	static final class ClientView {

		private ClientView() {
		}

		static String of(List<Disruption> handovers, List<Disruption> stops, List<Disruption> crashes,
				List<Window> crashWindows, List<Call> answered, List<Call> failed, int calls) {
			long[] ends = answered.stream().mapToLong(Call::end).sorted().toArray();
			return "proxy: " + handovers.size() + " graceful handovers (the endpoint): "
					+ line(handovers, windows(handovers), ends, failed) + "\nproxy: " + stops.size()
					+ " graceful stops (SIGTERM of the active): " + line(stops, windows(stops), ends, failed)
					+ "\nproxy: " + crashes.size() + " crashes (SIGKILL of the active, session TTL 2 s): "
					+ line(crashes, crashWindows, ends, failed) + "; " + calls + " calls from 2 client threads, "
					+ answered.size() + " answered, " + failed.size() + " failed";
		}

		private static List<Window> windows(List<Disruption> disruptions) {
			return disruptions.stream().map((disruption) -> new Window(disruption.from(), disruption.to())).toList();
		}

		/**
		 * The failed calls, each placed by the last handover or crash that began before
		 * it ended.
		 */
		static String failures(List<Disruption> handovers, List<Disruption> crashes, List<Call> failed) {
			return failed.stream().map((call) -> {
				String by = "before the first handover";
				for (int i = 0; i < handovers.size(); i++) {
					by = by(call, handovers.get(i), "handover " + (i + 1), by);
				}
				for (int i = 0; i < crashes.size(); i++) {
					by = by(call, crashes.get(i), "crash " + (i + 1), by);
				}
				return "\n  sent " + by + ": " + call;
			}).collect(Collectors.joining());
		}

		private static String by(Call call, Disruption disruption, String name, String otherwise) {
			if (disruption.from() > call.end()) {
				return otherwise;
			}
			long millis = (call.start() - disruption.from()) / 1_000_000;
			return (millis >= 0) ? millis + " ms after " + name + " began" : -millis + " ms before " + name + " began";
		}

		private static String line(List<Disruption> disruptions, List<Window> windows, long[] ends, List<Call> failed) {
			List<Long> gaps = disruptions.stream().map((disruption) -> gap(disruption, ends)).sorted().toList();
			List<Long> failures = windows.stream()
				.map((window) -> failed.stream().filter(window::holds).count())
				.sorted()
				.toList();
			return "longest gap between answers median " + median(gaps) + " ms, max " + max(gaps)
					+ " ms; failed calls median " + median(failures) + ", max " + max(failures);
		}

		/**
		 * The longest time between two consecutive answers, in ms, of those around the
		 * disruption: the last answer before it through the first after it.
		 */
		private static long gap(Disruption disruption, long[] ends) {
			long longest = 0;
			for (int i = 1; i < ends.length; i++) {
				if (ends[i] >= disruption.from() && ends[i - 1] <= disruption.to()) {
					longest = Math.max(longest, ends[i] - ends[i - 1]);
				}
			}
			return longest / 1_000_000;
		}

		private static long median(List<Long> sorted) {
			return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
		}

		private static long max(List<Long> sorted) {
			return sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
		}

	}

}
