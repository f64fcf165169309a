package io.github.coordinatorha.election;

import java.time.Duration;

import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.TransitionReason;

/**
 * Watches the election from the inside, for metrics. Called on the starter's own
 * threads; implementations must be quick and must not throw.
 *
 * @since 0.1.0
 */
public interface ElectionObserver {

	/**
	 * A role changed state on this node.
	 * @param role the role
	 * @param from the previous state, {@code null} for the first decision
	 * @param to the new state
	 * @param reason why
	 */
	default void transitioned(String role, RoleState from, RoleState to, TransitionReason reason) {
	}

	/**
	 * The {@code BecameActiveEvent} listeners of a role finished after this node won it.
	 * @param role the role
	 * @param sinceWon from winning the ACTIVE key to the end of the listeners
	 * @param succeeded whether every listener succeeded
	 */
	default void activated(String role, Duration sinceWon, boolean succeeded) {
	}

	/**
	 * This node took a role over after seeing the previous active's key go.
	 * @param role the role
	 * @param sinceActiveKeyDeleted from seeing the ACTIVE key's deletion to being ACTIVE
	 */
	default void tookOver(String role, Duration sinceActiveKeyDeleted) {
	}

	/**
	 * etcd confirmed a keepalive of this node's lease.
	 * @param roundTrip from sending the keepalive to its answer
	 */
	default void keepAliveConfirmed(Duration roundTrip) {
	}

	/**
	 * An observer that observes nothing.
	 */
	ElectionObserver NONE = new ElectionObserver() {
	};

	/**
	 * One observer that tells all of {@code observers}, isolating their failures.
	 * @param observers the observers
	 * @return the composite
	 */
	static ElectionObserver of(java.util.List<ElectionObserver> observers) {
		return observers.isEmpty() ? NONE : new CompositeElectionObserver(observers);
	}

}
