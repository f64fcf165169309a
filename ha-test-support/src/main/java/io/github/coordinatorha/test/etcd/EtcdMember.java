package io.github.coordinatorha.test.etcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * One etcd server process on loopback, with its own data folder and log file.
 */
public final class EtcdMember {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String name;

	private final int clientPort;

	private final int peerPort;

	private final int advertisedPeerPort;

	private final Path dataDir;

	private final Path logFile;

	private final Supplier<List<String>> clusterFlags;

	private final String scheme;

	private @Nullable Process process;

	EtcdMember(String name, int clientPort, int peerPort, Path home, Supplier<List<String>> clusterFlags,
			String scheme) {
		this(name, clientPort, peerPort, peerPort, home, clusterFlags, scheme);
	}

	/**
	 * A member that listens for its peers on {@code peerPort} and tells them to reach it
	 * on {@code advertisedPeerPort}, where a proxy in front of it may listen.
	 */
	EtcdMember(String name, int clientPort, int peerPort, int advertisedPeerPort, Path home,
			Supplier<List<String>> clusterFlags, String scheme) {
		this.name = name;
		this.scheme = scheme;
		this.clientPort = clientPort;
		this.peerPort = peerPort;
		this.advertisedPeerPort = advertisedPeerPort;
		this.dataDir = home.resolve(name + ".etcd");
		this.logFile = home.resolve(name + ".log");
		this.clusterFlags = clusterFlags;
	}

	/**
	 * The member's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The client URL, {@code http://127.0.0.1:PORT}, or {@code https://} when the cluster
	 * serves clients over TLS.
	 * @return the URL
	 */
	public String clientEndpoint() {
		return this.scheme + "://127.0.0.1:" + this.clientPort;
	}

	/**
	 * The client port.
	 * @return the port
	 */
	public int clientPort() {
		return this.clientPort;
	}

	/**
	 * The peer port.
	 * @return the port
	 */
	public int peerPort() {
		return this.peerPort;
	}

	/**
	 * The peer URL the member advertises, and the other members use.
	 */
	String peerUrl() {
		return "http://127.0.0.1:" + this.advertisedPeerPort;
	}

	private String listenPeerUrl() {
		return "http://127.0.0.1:" + this.peerPort;
	}

	Path dataDir() {
		return this.dataDir;
	}

	/**
	 * The process ID, or -1 when not running.
	 * @return the pid
	 */
	public synchronized long pid() {
		return (this.process != null && this.process.isAlive()) ? this.process.pid() : -1;
	}

	/**
	 * Whether the process runs.
	 * @return {@code true} if alive
	 */
	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Starts the process with its data folder as it is.
	 */
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		List<String> command = new ArrayList<>();
		command.add(EtcdBinaries.etcd().toString());
		command.addAll(List.of("--name", this.name, "--data-dir", this.dataDir.toString(), "--listen-client-urls",
				clientEndpoint(), "--advertise-client-urls", clientEndpoint(), "--listen-peer-urls", listenPeerUrl(),
				"--initial-advertise-peer-urls", peerUrl(), "--logger", "zap"));
		command.addAll(this.clusterFlags.get());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()));
		// etcd reads ETCD_* variables as flags and complains about ours.
		builder.environment().keySet().removeIf((key) -> key.startsWith("ETCD"));
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start etcd member " + this.name, ex);
		}
	}

	/**
	 * SIGKILL, then waits for the process to end.
	 */
	public synchronized void kill() {
		if (this.process != null) {
			this.process.destroyForcibly();
			ProcessSignals.awaitExit(this.process, Duration.ofSeconds(10));
		}
	}

	/**
	 * SIGTERM, then waits for the process to end.
	 */
	public synchronized void stop() {
		if (this.process != null) {
			this.process.destroy();
			ProcessSignals.awaitExit(this.process, Duration.ofSeconds(15));
		}
	}

	/**
	 * SIGSTOP: the process freezes, its connections stay open.
	 */
	public synchronized void pause() {
		ProcessSignals.send(pid(), "STOP");
	}

	/**
	 * SIGCONT.
	 */
	public synchronized void resume() {
		ProcessSignals.send(pid(), "CONT");
	}

	/**
	 * etcd's metrics in Prometheus's text format, as {@code /metrics} on the client URL
	 * serves them, for example {@code etcd_debugging_mvcc_watch_stream_total} or
	 * {@code grpc_server_started_total}. Plain HTTP members only.
	 * @return the text
	 * @throws IllegalStateException if the member does not answer
	 */
	public String metrics() {
		if (!this.scheme.equals("http")) {
			throw new IllegalStateException("Metrics are read from plain HTTP members only, not " + clientEndpoint());
		}
		HttpRequest request = HttpRequest.newBuilder(URI.create(clientEndpoint() + "/metrics"))
			.timeout(Duration.ofSeconds(5))
			.build();
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(
						"etcd member " + this + " answered /metrics with " + response.statusCode());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException("etcd member " + this + " did not serve /metrics", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while reading the metrics of " + this, ex);
		}
	}

	/**
	 * The log file.
	 * @return its path
	 */
	public Path logFile() {
		return this.logFile;
	}

	/**
	 * The last lines of the log.
	 * @param lines how many
	 * @return the lines
	 */
	public String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.logFile, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	void wipeData() {
		TempFiles.delete(this.dataDir);
	}

	@Override
	public String toString() {
		return this.name + "@" + clientEndpoint();
	}

}
