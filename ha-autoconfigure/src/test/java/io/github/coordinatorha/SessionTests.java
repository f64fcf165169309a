package io.github.coordinatorha;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.Ports;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The session's lease as etcd grants it, and the retries while etcd cannot be reached:
 * nodes in this JVM against real etcd servers (or none).
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionTests {

	private static Pattern retriesOf(String application) {
		// Spring Boot's log lines name the application: "... --- [name] [thread] ..."
		return Pattern.compile(
				"^(\\S+)\\s.*--- \\[" + application
						+ "\\].*Could not open a session in etcd \\(.*\\); retrying in (\\d+)(ms|s)$",
				Pattern.MULTILINE);
	}

	private static long millis(MatchResult retry) {
		long value = Long.parseLong(retry.group(2));
		return "s".equals(retry.group(3)) ? value * 1000 : value;
	}

	@Test
	void etcdRaisesATtlBelowItsMinimumAndTheNodeKeepsItsLeaseByTheGrantedOne(CapturedOutput output) {
		// etcd's minimum TTL is 1.5 election timeouts, rounded up to whole seconds: 5 s
		// here
		try (EtcdCluster etcd = EtcdCluster.startWithRaftTimings(1, 300, 3000);
				ConfigurableApplicationContext node = TestApplications.run(Node.class, etcd.endpoints(),
						"ttl-" + System.nanoTime(), "ha.session.ttl=1s")) {
			ActiveStandby election = node.getBean(ActiveStandby.class);
			await().atMost(Duration.ofSeconds(15)).until(() -> election.isActive("rootCoord"));
			assertThat(output).contains("etcd granted a session TTL of 5s, more than the 1s asked for");
			String lease = etcd.etcdctl("lease", "list")
				.lines()
				.filter((line) -> !line.startsWith("found"))
				.findFirst()
				.orElseThrow()
				.strip();
			assertThat(etcd.etcdctl("lease", "timetolive", lease)).contains("granted with TTL(5s)");
			MeterRegistry registry = node.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> registry.find("ha.session.keepalive").timer() != null);
			Timer keepalives = registry.get("ha.session.keepalive").timer();
			long before = keepalives.count();
			// Renewing on a 1 s TTL would take 3 keepalives a second, and a deadline from
			// it would lapse between keepalives sent every 5/3 s: the node stays ACTIVE.
			await().during(Duration.ofSeconds(5))
				.atMost(Duration.ofSeconds(6))
				.until(() -> election.isActive("rootCoord"));
			assertThat(keepalives.count() - before).isBetween(1L, 5L);
		}
	}

	@Test
	void withEtcdUnreachableTheNodeRetriesWithABackoffThatDoublesFrom250msTo5s(CapturedOutput output) {
		String application = "backoff-" + System.nanoTime();
		Pattern retry = retriesOf(application);
		try (ConfigurableApplicationContext node = TestApplications.run(Node.class, "http://127.0.0.1:" + Ports.free(),
				application, "spring.application.name=" + application,
				// one WARN per change of the reason; the retries that repeat it are DEBUG
				"logging.level.io.github.coordinatorha.election.NodeSession=debug",
				// the delay is capped at 5s, or at the TTL if that is shorter
				"ha.session.ttl=10s")) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> retry.matcher(output.getOut()).results().anyMatch((m) -> millis(m) == 5000));
			Matcher retries = retry.matcher(output.getOut());
			List<long[]> attempts = new ArrayList<>();
			while (retries.find()) {
				attempts.add(new long[] { OffsetDateTime.parse(retries.group(1)).toInstant().toEpochMilli(),
						millis(retries) });
			}
			assertThat(attempts).extracting((attempt) -> attempt[1]).startsWith(250L, 500L, 1000L, 2000L, 4000L, 5000L);
			for (int i = 1; i < attempts.size(); i++) {
				assertThat(attempts.get(i)[0] - attempts.get(i - 1)[0]).as("pause before attempt " + (i + 1))
					.isGreaterThanOrEqualTo(attempts.get(i - 1)[1] - 1);
			}
			assertThat(node.getBean(ActiveStandby.class).isActive("rootCoord")).isFalse();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Node {

	}

}
