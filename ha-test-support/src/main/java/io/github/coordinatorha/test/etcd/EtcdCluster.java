package io.github.coordinatorha.test.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A real etcd cluster of one or more members on loopback, on free ports, with fast
 * heartbeat and election timings. Members never outlive the JVM.
 */
public final class EtcdCluster implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final Path home;

	private final List<EtcdMember> members = new ArrayList<>();

	/**
	 * One proxy in front of each member's peer port, or none.
	 */
	private final List<TcpProxy> peerProxies = new ArrayList<>();

	private String token;

	private final @Nullable ClientTls tls;

	private final List<String> raftTimings;

	private final Thread shutdownHook = new Thread(this::killQuietly, "etcd-cluster-cleanup");

	private EtcdCluster(int size, @Nullable ClientTls tls) {
		this(size, tls, 50, 500);
	}

	private EtcdCluster(int size, @Nullable ClientTls tls, int heartbeatMillis, int electionTimeoutMillis) {
		this(size, tls, heartbeatMillis, electionTimeoutMillis, false);
	}

	private EtcdCluster(int size, @Nullable ClientTls tls, int heartbeatMillis, int electionTimeoutMillis,
			boolean peerProxies) {
		this.tls = tls;
		this.raftTimings = List.of("--heartbeat-interval", Integer.toString(heartbeatMillis), "--election-timeout",
				Integer.toString(electionTimeoutMillis));
		try {
			this.home = Files.createTempDirectory("etcd-cluster-");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.token = "t-" + System.nanoTime();
		for (int i = 0; i < size; i++) {
			int peerPort = Ports.free();
			int advertisedPeerPort = peerPort;
			if (peerProxies) {
				TcpProxy proxy = TcpProxy.to(peerPort);
				this.peerProxies.add(proxy);
				advertisedPeerPort = proxy.port();
			}
			this.members.add(new EtcdMember("n" + (i + 1), Ports.free(), peerPort, advertisedPeerPort, this.home,
					this::memberFlags, (tls != null) ? "https" : "http"));
		}
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Starts a single-member cluster and waits until it answers.
	 * @return the cluster
	 */
	public static EtcdCluster single() {
		return start(1);
	}

	/**
	 * Starts a cluster and waits until every member answers.
	 * @param size the number of members
	 * @return the cluster
	 */
	public static EtcdCluster start(int size) {
		return start(new EtcdCluster(size, null));
	}

	/**
	 * Starts a cluster with raft timings of the test's choosing (the other factories use
	 * a 50 ms heartbeat and a 500 ms election timeout), and waits until every member
	 * answers. etcd raises a lease's TTL to its minimum, 1.5 times the election timeout
	 * rounded up to whole seconds: 5 s with a 3,000 ms election timeout.
	 * @param size the number of members
	 * @param heartbeatMillis {@code --heartbeat-interval}
	 * @param electionTimeoutMillis {@code --election-timeout}
	 * @return the cluster
	 */
	public static EtcdCluster startWithRaftTimings(int size, int heartbeatMillis, int electionTimeoutMillis) {
		return start(new EtcdCluster(size, null, heartbeatMillis, electionTimeoutMillis));
	}

	/**
	 * Starts a cluster whose members reach each other through a {@link TcpProxy} in front
	 * of each member's peer port, so that a test can {@linkplain #isolate(int) cut one
	 * member off} from the others while clients still reach it, and waits until every
	 * member answers.
	 * @param size the number of members
	 * @return the cluster
	 */
	public static EtcdCluster startWithPeerProxies(int size) {
		return start(new EtcdCluster(size, null, 50, 500, true));
	}

	/**
	 * Starts a cluster that serves clients over TLS only, with the server certificate of
	 * {@code certificates}, and waits until every member answers. Peers talk plain HTTP
	 * on loopback.
	 * @param size the number of members
	 * @param certificates the certificates
	 * @param clientCertificates whether clients must present a certificate signed by the
	 * CA (mutual TLS)
	 * @return the cluster
	 */
	public static EtcdCluster startWithTls(int size, TestCertificates certificates, boolean clientCertificates) {
		return start(new EtcdCluster(size, new ClientTls(certificates, clientCertificates)));
	}

	private static EtcdCluster start(EtcdCluster cluster) {
		try {
			cluster.startAll();
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		return cluster;
	}

	private List<String> memberFlags() {
		List<String> flags = new ArrayList<>(this.raftTimings);
		flags.addAll(clusterFlags());
		if (this.tls != null) {
			flags.addAll(this.tls.serverFlags());
		}
		return flags;
	}

	private List<String> clusterFlags() {
		String initial = this.members.stream()
			.map((member) -> member.name() + "=" + member.peerUrl())
			.collect(Collectors.joining(","));
		return List.of("--initial-cluster", initial, "--initial-cluster-state", "new", "--initial-cluster-token",
				this.token);
	}

	/**
	 * The members.
	 * @return the members, in order
	 */
	public List<EtcdMember> members() {
		return Collections.unmodifiableList(this.members);
	}

	/**
	 * One member.
	 * @param index from 0
	 * @return the member
	 */
	public EtcdMember member(int index) {
		return this.members.get(index);
	}

	/**
	 * Every member's client URL.
	 * @return the URLs
	 */
	public List<String> clientEndpoints() {
		return this.members.stream().map(EtcdMember::clientEndpoint).toList();
	}

	/**
	 * Every member's client URL, comma-separated, as {@code ha.etcd.endpoints} takes
	 * them.
	 * @return the URLs
	 */
	public String endpoints() {
		return String.join(",", clientEndpoints());
	}

	/**
	 * Starts every member that is not running, with its data as it is, and waits until
	 * all answer.
	 */
	public void startAll() {
		// Members of a new cluster wait for each other: start them all before waiting.
		this.members.forEach(EtcdMember::start);
		awaitHealthy(START_TIMEOUT);
	}

	/**
	 * SIGTERM to every member.
	 */
	public void stopAll() {
		this.members.forEach(EtcdMember::stop);
	}

	/**
	 * SIGKILL to every member.
	 */
	public void killAll() {
		this.members.forEach(EtcdMember::kill);
	}

	/**
	 * Kills every member, deletes all data and starts a brand-new cluster on the same
	 * ports.
	 */
	public void wipe() {
		killAll();
		this.members.forEach(EtcdMember::wipeData);
		this.token = "t-" + System.nanoTime();
		startAll();
	}

	/**
	 * Kills every member, deletes all data and starts them again with the same flags, as
	 * an operator who lost the data and started etcd as before would: the cluster has the
	 * same cluster ID as before, and its revisions and raft terms start again from the
	 * beginning. {@link #wipe()} makes a cluster with a new ID instead.
	 */
	public void wipeKeepingClusterId() {
		killAll();
		this.members.forEach(EtcdMember::wipeData);
		startAll();
	}

	/**
	 * Saves a snapshot of the data, as {@code etcdctl snapshot save} does, from the first
	 * running member.
	 * @param file where the snapshot goes; it must not exist
	 */
	public void snapshot(Path file) {
		EtcdMember member = this.members.stream()
			.filter(EtcdMember::isRunning)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No etcd member runs to take a snapshot from"));
		EtcdctlResult result = run(List.of(member.clientEndpoint()), "snapshot", "save", file.toString());
		if (!result.succeeded()) {
			throw new IllegalStateException(
					"etcdctl snapshot save failed (" + result.exitCode() + "): " + result.stderr());
		}
	}

	/**
	 * Restores a single-member cluster from a snapshot, as an operator does after losing
	 * the data: kills the member, deletes its data, runs {@code etcdctl snapshot restore}
	 * with the member's name, peer URL and the cluster's token (so the restored cluster
	 * has the same cluster ID), and starts it on the same ports. The keys, leases and
	 * revision are those of the snapshot; raft terms start again from the beginning.
	 * @param file a snapshot from {@link #snapshot(Path)}
	 */
	public void restore(Path file) {
		if (this.members.size() != 1) {
			throw new IllegalStateException(
					"restore(Path) restores a single-member cluster; this one has " + this.members.size() + " members");
		}
		EtcdMember member = this.members.get(0);
		member.kill();
		member.wipeData();
		EtcdctlResult result = run(List.of(member.clientEndpoint()), "snapshot", "restore", file.toString(), "--name",
				member.name(), "--data-dir", member.dataDir().toString(), "--initial-cluster",
				member.name() + "=" + member.peerUrl(), "--initial-cluster-token", this.token,
				"--initial-advertise-peer-urls", member.peerUrl());
		if (!result.succeeded()) {
			throw new IllegalStateException(
					"etcdctl snapshot restore failed (" + result.exitCode() + "): " + result.stderr());
		}
		startAll();
	}

	/**
	 * Cuts one member off from the others (a cluster from
	 * {@link #startWithPeerProxies(int)}): every connection between it and another member
	 * is closed, and every new one, either way; clients still reach it. Cut off from the
	 * majority, it loses its leader within an election timeout, while the others keep
	 * theirs.
	 * @param index the member, from 0
	 */
	public void isolate(int index) {
		if (this.peerProxies.isEmpty()) {
			throw new IllegalStateException(
					"Members can be cut off only in a cluster started with startWithPeerProxies");
		}
		// etcd names the sender in a header on every request to a peer, on the
		// connections
		// the member opens to the others as on those they open to it
		String sender = "X-Server-From: " + Long.toHexString(memberId(this.members.get(index)));
		for (int i = 0; i < this.peerProxies.size(); i++) {
			if (i == index) {
				this.peerProxies.get(i).drop();
			}
			else {
				this.peerProxies.get(i).dropConnectionsSending(sender);
			}
		}
	}

	/**
	 * Lets every member reach the others again after {@link #isolate(int)}.
	 */
	public void reconnect() {
		this.peerProxies.forEach(TcpProxy::pass);
	}

	/**
	 * Whether a member knows a leader now, as it answers {@code etcdctl endpoint status}.
	 * @param index the member, from 0
	 * @return {@code false} if it knows none, or does not answer
	 */
	public boolean hasLeader(int index) {
		EtcdctlResult status = run(List.of(this.members.get(index).clientEndpoint()), "endpoint", "status", "-w",
				"json");
		String leader = status.succeeded() ? field(status.stdout(), "leader") : null;
		return leader != null && !leader.isEmpty() && !leader.equals("0");
	}

	private long memberId(EtcdMember member) {
		EtcdctlResult status = run(List.of(member.clientEndpoint()), "endpoint", "status", "-w", "json");
		String id = status.succeeded() ? field(status.stdout(), "member_id") : null;
		if (id == null || id.isEmpty()) {
			throw new IllegalStateException("etcd member " + member + " did not tell its ID: " + status.stderr());
		}
		return Long.parseUnsignedLong(id);
	}

	/**
	 * The member that leads the cluster now.
	 * @return the leader
	 */
	public EtcdMember leader() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			for (EtcdMember member : this.members) {
				if (!member.isRunning()) {
					continue;
				}
				EtcdctlResult status = run(List.of(member.clientEndpoint()), "endpoint", "status", "-w", "json");
				if (status.succeeded()) {
					String out = status.stdout();
					String memberId = field(out, "member_id");
					String leader = field(out, "leader");
					if (memberId != null && memberId.equals(leader)) {
						return member;
					}
				}
			}
			pause(Duration.ofMillis(100));
		}
		throw new IllegalStateException("No etcd leader within " + START_TIMEOUT);
	}

	private static @Nullable String field(String json, String name) {
		int at = json.indexOf("\"" + name + "\":");
		if (at < 0) {
			return null;
		}
		int start = at + name.length() + 3;
		int end = start;
		while (end < json.length() && Character.isDigit(json.charAt(end))) {
			end++;
		}
		return json.substring(start, end);
	}

	/**
	 * Waits until every running member answers a health check.
	 * @param timeout the bound
	 */
	public void awaitHealthy(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		EtcdctlResult last = null;
		while (System.nanoTime() < deadline) {
			List<String> running = this.members.stream()
				.filter(EtcdMember::isRunning)
				.map(EtcdMember::clientEndpoint)
				.toList();
			if (running.size() < this.members.size()) {
				EtcdMember dead = this.members.stream().filter((m) -> !m.isRunning()).findFirst().get();
				throw new IllegalStateException("etcd member " + dead + " exited:\n" + dead.logTail(30));
			}
			last = run(running, "endpoint", "health");
			if (last.succeeded()) {
				return;
			}
			pause(Duration.ofMillis(100));
		}
		throw new IllegalStateException("etcd did not become healthy within " + timeout + ": "
				+ ((last != null) ? last.stderr() : "") + "\n" + this.members.get(0).logTail(30));
	}

	/**
	 * Runs etcdctl against the running members.
	 * @param args its arguments
	 * @return standard output
	 * @throws IllegalStateException with standard error when it fails
	 */
	public String etcdctl(String... args) {
		EtcdctlResult result = etcdctlResult(args);
		if (!result.succeeded()) {
			throw new IllegalStateException(
					"etcdctl " + String.join(" ", args) + " failed (" + result.exitCode() + "): " + result.stderr());
		}
		return result.stdout();
	}

	/**
	 * Runs etcdctl against the running members, without judging the outcome.
	 * @param args its arguments
	 * @return what it printed
	 */
	public EtcdctlResult etcdctlResult(String... args) {
		List<String> running = this.members.stream()
			.filter(EtcdMember::isRunning)
			.map(EtcdMember::clientEndpoint)
			.toList();
		return run(running.isEmpty() ? clientEndpoints() : running, args);
	}

	private EtcdctlResult run(List<String> endpoints, String... args) {
		List<String> command = new ArrayList<>();
		command.add(EtcdBinaries.etcdctl().toString());
		command.add("--endpoints=" + String.join(",", endpoints));
		command.add("--dial-timeout=2s");
		command.add("--command-timeout=5s");
		if (this.tls != null) {
			command.addAll(this.tls.etcdctlFlags());
		}
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().keySet().removeIf((key) -> key.startsWith("ETCD"));
		builder.environment().put("ETCDCTL_API", "3");
		try {
			Process process = builder.start();
			CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
			CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return new EtcdctlResult(-1, "", "etcdctl timed out");
			}
			return new EtcdctlResult(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new IllegalStateException("Could not run etcdctl", ex);
		}
	}

	private static String read(java.io.InputStream stream) {
		try {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void killQuietly() {
		for (EtcdMember member : this.members) {
			try {
				member.kill();
			}
			catch (RuntimeException ex) {
				// best effort at JVM exit
			}
		}
	}

	/**
	 * Kills every member and deletes their data. Safe to call twice.
	 */
	@Override
	public void close() {
		killQuietly();
		this.peerProxies.forEach(TcpProxy::close);
		TempFiles.delete(this.home);
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down
		}
	}

	private record ClientTls(TestCertificates certificates, boolean clientCertificates) {

		List<String> serverFlags() {
			List<String> flags = new ArrayList<>(List.of("--cert-file", this.certificates.file("server.pem").toString(),
					"--key-file", this.certificates.file("server.key").toString()));
			if (this.clientCertificates) {
				// etcd asks for client certificates whenever it has a CA for them
				flags.addAll(List.of("--client-cert-auth", "--trusted-ca-file", this.certificates.ca().toString()));
			}
			return flags;
		}

		List<String> etcdctlFlags() {
			return List.of("--cacert=" + this.certificates.ca(), "--cert=" + this.certificates.file("client.pem"),
					"--key=" + this.certificates.file("client.key"));
		}

	}

}
