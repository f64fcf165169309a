package io.github.coordinatorha.benchmark;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Threads and heap an application gains from the starter: the same minimal context with
 * every role disabled, then with rootCoord in active-standby mode (and ACTIVE).
 */
final class Cost {

	final int baseThreads;

	final double baseHeap;

	final int electedThreads;

	final double electedHeap;

	private Cost(int baseThreads, double baseHeap, int electedThreads, double electedHeap) {
		this.baseThreads = baseThreads;
		this.baseHeap = baseHeap;
		this.electedThreads = electedThreads;
		this.electedHeap = electedHeap;
	}

	static Cost measure(String endpoints) throws InterruptedException {
		int baseThreads;
		double baseHeap;
		try (ConfigurableApplicationContext plain = start("ha.etcd.endpoints=" + endpoints)) {
			baseThreads = threads();
			baseHeap = Benchmark.usedHeap() / 1048576.0;
		}
		try (ConfigurableApplicationContext elected = start("ha.etcd.endpoints=" + endpoints,
				"rootCoord.activeStandby.enabled=true", "ha.etcd.root-path=cost-" + System.nanoTime())) {
			ActiveStandby activeStandby = elected.getBean(ActiveStandby.class);
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!activeStandby.isActive("rootCoord") && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			// a keepalive or two, so that every thread the node uses exists
			Thread.sleep(4000);
			return new Cost(baseThreads, baseHeap, threads(), Benchmark.usedHeap() / 1048576.0);
		}
	}

	private static int threads() {
		return ManagementFactory.getThreadMXBean().getThreadCount();
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(Minimal.class).web(WebApplicationType.NONE)
			.properties(properties)
			.properties("spring.main.banner-mode=off", "ha.session.ttl=10s")
			.run();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ActiveStandbyAutoConfiguration.class)
	static class Minimal {

	}

}
