package io.github.coordinatorha.election;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes started and stopped again and again leave nothing behind: not a thread in this
 * JVM, nor a lease or a watch in etcd.
 */
class ResourceLeakTests {

	private static final int CYCLES = 8;

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void repeatedStartAndStopLeavesNoThreadLeaseOrWatch() throws Exception {
		// the first node creates the JVM-wide pools (gRPC, Netty) that stay for good
		cycle();
		await().atMost(Duration.ofSeconds(10)).until(() -> ourThreads().isEmpty());
		int baseline = Thread.activeCount();
		for (int i = 0; i < CYCLES; i++) {
			cycle();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> Thread.activeCount() <= baseline);
		assertThat(ourThreads()).isEmpty();
		assertThat(etcd.etcdctl("lease", "list")).contains("found 0 leases");
		await().atMost(Duration.ofSeconds(10)).until(() -> gauge("etcd_debugging_mvcc_watcher_total") == 0);
		assertThat(gauge("etcd_debugging_mvcc_watch_stream_total")).isZero();
	}

	private void cycle() throws Exception {
		try (TestNode node = TestNode.start(etcd.cluster(), "ha.etcd.root-path=leak",
				"rootCoord.activeStandby.enabled=true", "queryCoord.activeStandby.enabled=true")) {
			await().atMost(Duration.ofSeconds(15))
				.until(() -> node.isActive("rootCoord") && node.isActive("queryCoord"));
			// one watch per role, and one of the node's for the epoch of etcd's history
			assertThat(gauge("etcd_debugging_mvcc_watcher_total")).isEqualTo(3);
		}
	}

	private static Set<String> ourThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("ha-"))
			.collect(Collectors.toSet());
	}

	private long gauge(String name) throws Exception {
		String endpoint = etcd.cluster().member(0).clientEndpoint();
		HttpResponse<String> metrics = this.http.send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics")).build(),
				HttpResponse.BodyHandlers.ofString());
		Matcher value = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics.body());
		assertThat(value.find()).as(name + " in etcd's metrics").isTrue();
		return (long) Double.parseDouble(value.group(1));
	}

}
