package io.github.coordinatorha;

import org.jspecify.annotations.Nullable;

/**
 * Published when this node starts serving a role. If a listener throws, for example
 * because the application could not load its metadata, the node gives the role up so that
 * another candidate can take it, and later publishes a {@link BecameStandbyEvent} with
 * reason {@link TransitionReason#ACTIVATION_FAILED}.
 *
 * @since 0.1.0
 */
public class BecameActiveEvent extends RoleTransitionEvent {

	public BecameActiveEvent(Object source, RoleStatus status) {
		super(source, status);
	}

	/**
	 * The term this node won, or {@code null} for a role whose active-standby mode is
	 * disabled (it has no ACTIVE key to fence with).
	 * @return the fencing token
	 */
	public @Nullable FencingToken getFencingToken() {
		return getStatus().fencingToken();
	}

}
