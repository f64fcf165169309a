package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.TransitionReason;

/**
 * Watches the election from the inside, for metrics and for role work that must end
 * before a role is let go. Called on the starter's own threads; implementations must be
 * quick, must never block, and should not throw.
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
	 * This node took a role over after seeing the previous active's key go, or after its
	 * predecessor handed the role to it.
	 * @param role the role
	 * @param sinceActiveKeyDeleted from seeing the ACTIVE key's deletion (or the key
	 * handed to this node) to being ACTIVE
	 */
	default void tookOver(String role, Duration sinceActiveKeyDeleted) {
	}

	/**
	 * This node is about to release a role it held, on a handover or at shutdown: it
	 * already reports STANDBY (no new role work starts), and the listeners of its
	 * {@code BecameStandbyEvent} have returned. The ACTIVE key goes once the returned
	 * stage completes, so an implementation can let role work in flight finish first and
	 * keep it from overlapping with the next active's. It must not block: it returns a
	 * stage at once and completes it later, within its own bound (the engine lets the
	 * role go after {@code 15s} whatever happens). Not called when the lease is lost:
	 * then the lease deadline is the bound.
	 * @param role the role
	 * @return completes when the role's work in flight has ended
	 * @since 0.2.0
	 */
	default CompletionStage<Void> releasing(String role) {
		return CompletableFuture.completedFuture(null);
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
	static ElectionObserver of(List<ElectionObserver> observers) {
		return observers.isEmpty() ? NONE : new CompositeElectionObserver(observers);
	}

}
