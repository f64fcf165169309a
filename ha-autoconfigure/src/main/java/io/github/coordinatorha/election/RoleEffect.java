package io.github.coordinatorha.election;

import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.TransitionReason;
import org.jspecify.annotations.Nullable;

/**
 * What {@link RoleMachine} asks its actor to do. The machine decides; the actor carries
 * the effects out, and the answers come back as {@link RoleInput}s.
 */
sealed interface RoleEffect {

	/**
	 * Write this node's session key under the lease.
	 */
	record Register(SessionLease lease) implements RoleEffect {
	}

	/**
	 * Read the role's keys, then watch them from the next revision, ending any earlier
	 * watch.
	 */
	record Sync(SessionLease lease) implements RoleEffect {
	}

	/**
	 * End the watch.
	 */
	record Unwatch() implements RoleEffect {
	}

	/**
	 * Create the ACTIVE key under the lease, if it does not exist and the epoch key is as
	 * {@code epoch} found it.
	 */
	record Claim(SessionLease lease, Epoch epoch) implements RoleEffect {
	}

	/**
	 * Delete the ACTIVE key if it is still of {@code term}, and rewrite this node's
	 * session (to the back of the queue), in one transaction.
	 */
	record Resign(SessionLease lease, long term) implements RoleEffect {
	}

	/**
	 * Give the role to a successor in one transaction: rewrite the ACTIVE key with the
	 * successor's session under the successor's lease, if the key is still of
	 * {@code term}, the successor's session as last seen and the epoch unchanged; and
	 * rewrite this node's session, to the back of the queue.
	 */
	record Transfer(SessionLease lease, long term, RoleView.Candidate successor, Epoch epoch) implements RoleEffect {
	}

	/**
	 * Delete the ACTIVE key if it is still of {@code term}.
	 */
	record Release(SessionLease lease, long term) implements RoleEffect {
	}

	/**
	 * Let the role's work of {@code term} end: the listeners of the STANDBY just
	 * published, and the {@code @ActiveOnly} calls in flight; then report
	 * {@link RoleInput.Drained}.
	 */
	record Drain(long term) implements RoleEffect {
	}

	/**
	 * Publish the role's status; an ACTIVE one rests on {@code lease} and is of
	 * {@code term} in {@code epoch}.
	 */
	record Publish(RoleState state, TransitionReason reason, long activeServerId, @Nullable String activeAddress,
			long term, Epoch epoch, @Nullable SessionLease lease) implements RoleEffect {
	}

	/**
	 * Guard the ACTIVE {@code term}'s writes with {@code epoch}: the epoch key as its
	 * history holds it, which this node had not yet read when the term began.
	 */
	record GuardTerm(long term, Epoch epoch) implements RoleEffect {
	}

	/**
	 * Answer a handover request.
	 */
	record Answer(CompletableFuture<Handover> reply, Handover handover) implements RoleEffect {
	}

	/**
	 * Tell the session that etcd no longer knows its lease.
	 */
	record LeaseNotFound(SessionLease lease) implements RoleEffect {
	}

	/**
	 * Tell the session that another live process holds this node's session key under its
	 * own lease: the server ID is in use twice, and the node must take a new one.
	 */
	record IdentityTaken(SessionLease lease, long otherLease) implements RoleEffect {
	}

	/**
	 * A line for operators.
	 */
	record Log(Level level, String message, @Nullable Throwable failure) implements RoleEffect {

		enum Level {

			DEBUG, INFO, WARN, ERROR

		}

	}

	/**
	 * This node took the role over {@code nanos} after seeing the previous active's key
	 * go.
	 */
	record TookOver(long nanos) implements RoleEffect {
	}

	/**
	 * The role holds nothing any more that the node must wait for before it revokes its
	 * lease.
	 */
	record LetGo() implements RoleEffect {
	}

}
