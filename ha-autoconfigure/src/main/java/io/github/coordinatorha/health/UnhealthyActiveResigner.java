package io.github.coordinatorha.health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.Handover;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.SmartLifecycle;

/**
 * Gives a role up when the application's own health turns DOWN, so that a sick active
 * does not keep a role its standby could serve. It hands over only to a registered
 * standby (never leaving the role with no one) and checks on its own thread.
 *
 * @since 0.1.0
 */
public class UnhealthyActiveResigner implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(UnhealthyActiveResigner.class);

	private final Supplier<Status> health;

	private final ActiveStandby activeStandby;

	private final List<String> roles;

	private final Duration interval;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Creates the resigner.
	 * @param health the application's aggregate health
	 * @param activeStandby the election
	 * @param roles the roles in active-standby mode
	 * @param interval how often to look
	 */
	public UnhealthyActiveResigner(Supplier<Status> health, ActiveStandby activeStandby, List<String> roles,
			Duration interval) {
		this.health = health;
		this.activeStandby = activeStandby;
		this.roles = List.copyOf(roles);
		this.interval = interval;
	}

	void check() {
		List<String> active = this.roles.stream().filter(this.activeStandby::isActive).toList();
		if (active.isEmpty()) {
			return;
		}
		Status status;
		try {
			status = this.health.get();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not read the application's health: " + ex.getMessage());
			return;
		}
		if (!Status.DOWN.equals(status)) {
			return;
		}
		for (String role : active) {
			Handover handover = this.activeStandby.handOver(role);
			logger.warn("The application is DOWN while ACTIVE for " + role + ": " + handover.message());
		}
	}

	@Override
	public synchronized void start() {
		this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "ha-health-check");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.scheduleWithFixedDelay(this::check, this.interval.toMillis(), this.interval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
