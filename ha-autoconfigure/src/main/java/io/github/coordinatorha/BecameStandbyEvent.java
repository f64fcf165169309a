package io.github.coordinatorha;

/**
 * Published when this node stops serving a role or learns, as it starts, that it does not
 * serve it. Listeners should stop role work at once: the node no longer holds the role,
 * and writes guarded by {@link ActiveStandby#fencingGuard(String)} already fail.
 *
 * @since 0.1.0
 */
public class BecameStandbyEvent extends RoleTransitionEvent {

	public BecameStandbyEvent(Object source, RoleStatus status) {
		super(source, status);
	}

}
