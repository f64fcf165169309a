package io.github.coordinatorha.integration;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.RoleTransitionEvent;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

/**
 * Publishes Spring Integration's {@link OnGrantedEvent} and {@link OnRevokedEvent} as our
 * roles change, with a working {@link Context}, so that role-based endpoints
 * ({@code @Role}, {@code SmartLifecycleRoleController}) follow this election without code
 * changes. The role name is the same: {@code @Role("rootCoord")}.
 *
 * @since 0.1.0
 */
public class LeaderEventsBridge implements ApplicationListener<RoleTransitionEvent>, Ordered {

	private final ActiveStandby activeStandby;

	private final ApplicationEventPublisher publisher;

	/**
	 * The roles granted and not revoked since: as with Spring Integration's own
	 * initiators, a revocation follows a grant, so a node that starts as a standby hears
	 * of none.
	 */
	private final Set<String> granted = ConcurrentHashMap.newKeySet();

	public LeaderEventsBridge(ActiveStandby activeStandby, ApplicationEventPublisher publisher) {
		this.activeStandby = activeStandby;
		this.publisher = publisher;
	}

	@Override
	public void onApplicationEvent(RoleTransitionEvent event) {
		String role = event.getRole();
		Context context = new RoleContext(this.activeStandby, role);
		if (event instanceof BecameActiveEvent) {
			this.granted.add(role);
			this.publisher.publishEvent(new OnGrantedEvent(this, context, role));
		}
		else if (event instanceof BecameStandbyEvent && this.granted.remove(role)) {
			this.publisher.publishEvent(new OnRevokedEvent(this, context, role));
		}
	}

	@Override
	public int getOrder() {
		// Right after role-bound lifecycles, before the application's own listeners.
		return Ordered.HIGHEST_PRECEDENCE + 1;
	}

	/**
	 * Spring Integration's view of one of our roles.
	 */
	record RoleContext(ActiveStandby activeStandby, String role) implements Context {

		@Override
		public boolean isLeader() {
			return this.activeStandby.isActive(this.role);
		}

		@Override
		public void yield() {
			this.activeStandby.handOver(this.role);
		}

		@Override
		public String getRole() {
			return this.role;
		}

		@Override
		public String toString() {
			return "RoleContext[" + this.role + ", leader=" + isLeader() + "]";
		}

	}

}
