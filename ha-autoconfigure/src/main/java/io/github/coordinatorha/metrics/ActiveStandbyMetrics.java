package io.github.coordinatorha.metrics;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.election.ElectionObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The election's metrics, per role:
 * <ul>
 * <li>{@code ha.role.active}: 1 while this node is ACTIVE, else 0;</li>
 * <li>{@code ha.role.transitions}: state changes, tagged {@code from}, {@code to},
 * {@code reason};</li>
 * <li>{@code ha.role.activation}: from winning the role to the end of the
 * {@code BecameActiveEvent} listeners, tagged {@code outcome};</li>
 * <li>{@code ha.role.takeover}: failover as the new active sees it, from the role being
 * without a serving active (its key gone, or handed to this node by its predecessor) to
 * this node being ACTIVE;</li>
 * </ul>
 * and per node {@code ha.session.keepalive}: the round trip of each lease keepalive.
 *
 * @since 0.1.0
 */
public class ActiveStandbyMetrics implements MeterBinder, ElectionObserver {

	private final Supplier<ActiveStandby> activeStandby;

	private final List<String> roles;

	private volatile @Nullable MeterRegistry registry;

	public ActiveStandbyMetrics(Supplier<ActiveStandby> activeStandby, List<String> roles) {
		this.activeStandby = activeStandby;
		this.roles = List.copyOf(roles);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String role : this.roles) {
			Gauge.builder("ha.role.active", this.activeStandby, (node) -> node.get().isActive(role) ? 1 : 0)
				.description("1 while this node is ACTIVE for the role, else 0")
				.tag("role", role)
				.register(registry);
		}
		this.registry = registry;
	}

	@Override
	public void transitioned(String role, RoleState from, RoleState to, TransitionReason reason) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			Counter.builder("ha.role.transitions")
				.description("Changes of a role's state on this node")
				.tag("role", role)
				.tag("from", (from != null) ? from.name() : "NONE")
				.tag("to", to.name())
				.tag("reason", reason.name())
				.register(registry)
				.increment();
		}
	}

	@Override
	public void activated(String role, Duration sinceWon, boolean succeeded) {
		record("ha.role.activation", "From winning the role to the end of the activation listeners", sinceWon, "role",
				role, "outcome", succeeded ? "success" : "failure");
	}

	@Override
	public void tookOver(String role, Duration sinceActiveKeyDeleted) {
		record("ha.role.takeover",
				"From the role being without a serving active (its key gone, or handed to this node) to this node"
						+ " being ACTIVE",
				sinceActiveKeyDeleted, "role", role);
	}

	@Override
	public void keepAliveConfirmed(Duration roundTrip) {
		record("ha.session.keepalive", "Round trip of a lease keepalive to etcd", roundTrip);
	}

	private void record(String name, String description, Duration duration, String... tags) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			Timer.builder(name).description(description).tags(tags).register(registry).record(duration);
		}
	}

}
