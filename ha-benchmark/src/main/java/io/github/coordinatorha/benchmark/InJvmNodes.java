package io.github.coordinatorha.benchmark;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Ours for the scale runs, where 64 JVMs do not fit 2 cores: each candidate is a minimal
 * Spring Boot context with the starter's auto-configuration and rootCoord in
 * active-standby mode, all in the benchmark's JVM, each with its own etcd client. A
 * graceful stop closes the active's context (what the shutdown hook does on SIGTERM); a
 * candidate leads when its {@link BecameActiveEvent} arrives, stamped on the event's
 * thread.
 */
final class InJvmNodes implements Contender {

	private static final String ROLE = "rootCoord";

	private final String endpoints;

	private int count;

	InJvmNodes(String endpoints) {
		this.endpoints = endpoints;
	}

	@Override
	public String name() {
		return "coordinator-ha (in one JVM)";
	}

	@Override
	public Candidate start(String group, Duration ttl) {
		ContextCandidate candidate = new ContextCandidate();
		candidate.context = new SpringApplicationBuilder(Minimal.class).web(WebApplicationType.NONE)
			.listeners(candidate)
			.properties("spring.main.banner-mode=off", "logging.level.root=WARN", "ha.etcd.endpoints=" + this.endpoints,
					"ha.etcd.root-path=" + group, "ha.session.ttl=" + ttl.toSeconds() + "s",
					"ha.session.address=127.0.0.1:" + (20000 + (++this.count)), "rootCoord.activeStandby.enabled=true")
			.run();
		return candidate;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ActiveStandbyAutoConfiguration.class)
	static class Minimal {

	}

	private static final class ContextCandidate implements Candidate, ApplicationListener<ApplicationEvent> {

		private final CountDownLatch granted = new CountDownLatch(1);

		private volatile long grantedAt;

		private ConfigurableApplicationContext context;

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			if (event instanceof BecameActiveEvent active && ROLE.equals(active.getRole())
					&& active.getFencingToken() != null && this.grantedAt == 0) {
				this.grantedAt = System.nanoTime();
				this.granted.countDown();
			}
		}

		@Override
		public long awaitGranted(Duration timeout) {
			try {
				if (!this.granted.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					throw new IllegalStateException("Not ACTIVE within " + timeout + ": " + status());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			return this.grantedAt;
		}

		@Override
		public void awaitStandby(Duration timeout) {
			Waits.until(timeout, "a STANDBY that knows the active", () -> {
				RoleStatus status = status();
				return !status.isActive() && status.activeServerId() != 0;
			});
		}

		private RoleStatus status() {
			return this.context.getBean(ActiveStandby.class).status(ROLE);
		}

		@Override
		public void stop(Stop how) {
			if (how != Stop.GRACEFUL) {
				throw new UnsupportedOperationException("A context in this JVM cannot crash alone");
			}
			this.context.close();
		}

		@Override
		public void close() {
			this.context.close();
		}

	}

}
