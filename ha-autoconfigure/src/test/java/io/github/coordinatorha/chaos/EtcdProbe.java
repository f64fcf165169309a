package io.github.coordinatorha.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.EtcdMember;

import static org.awaitility.Awaitility.await;

/**
 * What a test reads of etcd, and writes to it, through a client of its own: revisions,
 * the history of a key, changes under a prefix in a window of time, and the server's
 * gauges of open streams.
 */
final class EtcdProbe implements AutoCloseable {

	private final Client client;

	EtcdProbe(EtcdCluster etcd) {
		this.client = Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build();
	}

	/**
	 * etcd's revision now.
	 */
	long revision() {
		return call(this.client.getKVClient().get(bytes("probe"))).getHeader().getRevision();
	}

	/**
	 * A key's value now.
	 */
	Optional<String> value(String key) {
		return call(this.client.getKVClient().get(bytes(key))).getKvs()
			.stream()
			.findFirst()
			.map((kv) -> kv.getValue().toString(StandardCharsets.UTF_8));
	}

	/**
	 * Writes {@code revisions} times under {@code prefix}, one revision each, as an
	 * application that has used etcd for a while has: etcd's history grows by that much.
	 */
	void advanceHistory(String prefix, int revisions) {
		Semaphore inFlight = new Semaphore(32);
		List<CompletableFuture<?>> puts = new ArrayList<>();
		for (int i = 0; i < revisions; i++) {
			inFlight.acquireUninterruptibly();
			puts.add(this.client.getKVClient()
				.put(bytes(prefix + (i % 64)), bytes(Integer.toString(i)))
				.whenComplete((response, failure) -> inFlight.release()));
		}
		CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
	}

	/**
	 * Counts the changes (puts and deletes) under {@code prefix} for {@code window} from
	 * now.
	 */
	int changesDuring(String prefix, Duration window) {
		AtomicInteger changes = new AtomicInteger();
		long from = revision() + 1;
		WatchOption option = WatchOption.builder().isPrefix(true).withRevision(from).build();
		try (Watch.Watcher watcher = this.client.getWatchClient()
			.watch(bytes(prefix), option, (response) -> changes.addAndGet(response.getEvents().size()))) {
			long start = System.nanoTime();
			// the window is the measurement, not a wait for a result
			await().pollDelay(Duration.ZERO)
				.atMost(window.plusSeconds(5))
				.until(() -> System.nanoTime() - start >= window.toNanos());
		}
		return changes.get();
	}

	/**
	 * Every put of a key in etcd's history, oldest first: its value and mod revision.
	 */
	List<KeyValue> puts(String key) {
		List<KeyValue> kvs = call(this.client.getKVClient().get(bytes(key), GetOption.DEFAULT)).getKvs();
		if (kvs.isEmpty()) {
			return List.of();
		}
		long last = kvs.get(0).getModRevision();
		List<KeyValue> puts = new CopyOnWriteArrayList<>();
		WatchOption option = WatchOption.builder().withRevision(1).build();
		try (Watch.Watcher watcher = this.client.getWatchClient().watch(bytes(key), option, (response) -> {
			response.getEvents()
				.stream()
				.filter((event) -> event.getEventType() == WatchEvent.EventType.PUT)
				.forEach((event) -> puts.add(event.getKeyValue()));
		})) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !puts.isEmpty() && puts.get(puts.size() - 1).getModRevision() >= last);
		}
		return List.copyOf(puts);
	}

	/**
	 * The gRPC streams of a method that a member has open now: those started less those
	 * ended, from {@code grpc_server_started_total} and
	 * {@code grpc_server_handled_total}.
	 * @param method for example {@code Watch} or {@code LeaseKeepAlive}
	 */
	static long openStreams(EtcdMember member, String method) {
		String metrics = member.metrics();
		return sum(metrics, "grpc_server_started_total", method) - sum(metrics, "grpc_server_handled_total", method);
	}

	/**
	 * The gRPC streams of a method that a member has started so far.
	 */
	static long startedStreams(EtcdMember member, String method) {
		return sum(member.metrics(), "grpc_server_started_total", method);
	}

	/**
	 * The messages of a gRPC method a member has received so far, from
	 * {@code grpc_server_msg_received_total}: for {@code LeaseKeepAlive}, the keepalives.
	 */
	static long receivedMessages(EtcdMember member, String method) {
		return sum(member.metrics(), "grpc_server_msg_received_total", method);
	}

	/**
	 * Waits (10 s at most) until the cluster's members have received {@code count} more
	 * keepalives than now: nodes that renew their leases at the same pace have each
	 * renewed, and seen etcd's revision in the answer.
	 */
	static void awaitKeepalives(EtcdCluster etcd, int count) {
		long before = keepalives(etcd);
		await().atMost(Duration.ofSeconds(10)).until(() -> keepalives(etcd) >= before + count);
	}

	private static long keepalives(EtcdCluster etcd) {
		return etcd.members().stream().mapToLong((member) -> receivedMessages(member, "LeaseKeepAlive")).sum();
	}

	/**
	 * A gauge of etcd's, such as {@code etcd_debugging_mvcc_watch_stream_total}.
	 */
	static long gauge(EtcdMember member, String name) {
		Matcher value = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(member.metrics());
		if (!value.find()) {
			throw new IllegalStateException("No " + name + " in the metrics of " + member);
		}
		return (long) Double.parseDouble(value.group(1));
	}

	private static long sum(String metrics, String name, String method) {
		// etcd's own service of the method, not grpc.health.v1.Health's Watch
		Pattern line = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$");
		Matcher matcher = line.matcher(metrics);
		long sum = 0;
		while (matcher.find()) {
			String labels = matcher.group(1);
			if (labels.contains("grpc_method=\"" + method + "\"") && labels.contains("grpc_service=\"etcdserverpb.")) {
				sum += (long) Double.parseDouble(matcher.group(2));
			}
		}
		return sum;
	}

	private static <T> T call(CompletableFuture<T> future) {
		return future.orTimeout(10, TimeUnit.SECONDS).join();
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.client.close();
	}

}
