package io.github.coordinatorha.benchmark;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.RoleStatus;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs in a JVM of its own, started by {@link Cost}: a minimal Spring Boot context with
 * the starter and {@code N} roles of its own in active-standby mode
 * ({@code ha.roles.roleK.activeStandby.enabled=true}; none for the baseline), waits until
 * every role is ACTIVE and a few keepalives have gone out, then prints
 * {@code cost roles=N threads=T heapMiB=H}: the JVM's live threads and its heap after a
 * full GC.
 */
public final class CostProbe {

	private CostProbe() {
	}

	public static void main(String[] args) throws Exception {
		String endpoints = args[0];
		int roles = Integer.parseInt(args[1]);
		List<String> properties = new ArrayList<>(List.of("spring.main.banner-mode=off", "logging.level.root=WARN",
				"ha.etcd.endpoints=" + endpoints, "ha.etcd.root-path=cost-" + System.nanoTime(), "ha.session.ttl=10s"));
		for (int i = 1; i <= roles; i++) {
			properties.add("ha.roles.role" + i + ".activeStandby.enabled=true");
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(InJvmNodes.Minimal.class)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run()) {
			ActiveStandby activeStandby = context.getBean(ActiveStandby.class);
			Waits.until(Duration.ofSeconds(60), "every role to be ACTIVE",
					() -> activeStandby.statuses().values().stream().filter(RoleStatus::isActive).count() >= roles);
			// a keepalive or two (every TTL/3), so that every thread the node uses exists
			Waits.pause(Duration.ofSeconds(4));
			System.gc();
			System.gc();
			long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			System.out.printf(Locale.ROOT, "cost roles=%d threads=%d heapMiB=%.1f%n", roles,
					ManagementFactory.getThreadMXBean().getThreadCount(), heap / 1048576.0);
			System.out.flush();
		}
		System.exit(0);
	}

}
