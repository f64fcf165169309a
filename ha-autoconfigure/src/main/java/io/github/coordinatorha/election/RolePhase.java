package io.github.coordinatorha.election;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.TransitionReason;
import org.jspecify.annotations.Nullable;

/**
 * Where one role's election on this node stands. Each phase carries only the data valid
 * in it; {@link RoleMachine} moves from phase to phase. The deadlines a phase carries are
 * readings of the node's monotonic clock; {@link #dueAt()} gives the earliest, at which
 * the role's actor wakes the machine with a {@link RoleInput.Tick}.
 *
 * <pre>
 * Idle ──session──▶ Joining ──read──▶ Standby ⇄ Claiming ──won──▶ Active
 *                                        ▲                         │ hand over, failed activation, stop
 *                                        └──── Resigning ◀──── Draining ──stop──▶ Stopped
 * any phase ──session lost──▶ Idle;  any phase ──stop──▶ Stopped (an Active one drains first)
 * </pre>
 */
sealed interface RolePhase {

	/**
	 * A reading of the clock that never comes.
	 */
	long NEVER = Long.MAX_VALUE;

	/**
	 * When the phase next needs the clock, or {@link #NEVER}.
	 */
	default long dueAt() {
		return NEVER;
	}

	/**
	 * What the role knows while it has a session, or {@code null} in a phase without one.
	 */
	default @Nullable Membership membership() {
		return null;
	}

	/**
	 * No session: the node is starting, cannot reach etcd, or lost its session.
	 *
	 * @param reason why, as published
	 * @param relinquished a term this node gave up whose key may linger
	 */
	record Idle(TransitionReason reason, Membership.Relinquished relinquished) implements RolePhase {
	}

	/**
	 * A new session: writing this node's session key, then reading the role's keys for
	 * the first time.
	 */
	record Joining(Membership membership) implements RolePhase {

		@Override
		public long dueAt() {
			return this.membership.dueAt();
		}

	}

	/**
	 * A candidate that does not hold the role.
	 *
	 * @param membership what the role knows
	 * @param waiting what keeps it from competing when the role has no active
	 */
	record Standby(Membership membership, Wait waiting) implements RolePhase {

		@Override
		public long dueAt() {
			// A wait is decided on a current view only: till then it keeps.
			return this.membership.current() ? Math.min(this.membership.dueAt(), this.waiting.dueAt())
					: this.membership.dueAt();
		}

	}

	/**
	 * A claim of the ACTIVE key is in flight.
	 */
	record Claiming(Membership membership) implements RolePhase {

		@Override
		public long dueAt() {
			return this.membership.dueAt();
		}

	}

	/**
	 * This node holds the role's ACTIVE key in {@code term}, the key's mod revision, won
	 * in {@code epoch} of etcd's history.
	 *
	 * @param membership what the role knows
	 * @param term the term
	 * @param epoch the epoch of etcd's history
	 * @param since when it became active
	 * @param preemptAt when to look again whether a standby that ranks above this node
	 * may take the role, or {@link #NEVER}
	 */
	record Active(Membership membership, long term, long epoch, long since, long preemptAt) implements RolePhase {

		Active withMembership(Membership membership) {
			return new Active(membership, this.term, this.epoch, this.since, this.preemptAt);
		}

		Active withPreemptAt(long preemptAt) {
			return new Active(this.membership, this.term, this.epoch, this.since, preemptAt);
		}

		@Override
		public long dueAt() {
			return Math.min(this.membership.dueAt(), this.preemptAt);
		}

	}

	/**
	 * The node gives the role up: it already reports STANDBY, so no new role work starts,
	 * and waits for the work under way to end (in-flight {@code @ActiveOnly} calls,
	 * {@code @RoleBound} beans stopping), until {@code until} at the latest, before it
	 * lets the ACTIVE key go.
	 */
	record Draining(Membership membership, long term, Exit exit, long until) implements RolePhase {

		@Override
		public long dueAt() {
			return Math.min(this.membership.dueAt(), this.until);
		}

	}

	/**
	 * A transfer of the role to a successor is in flight, or its unknown outcome is being
	 * settled by a fresh read.
	 *
	 * @param membership what the role knows
	 * @param term the term given up
	 * @param exit why, and who asked
	 * @param successorKey the session key of the successor tried now
	 * @param untried the session keys of the successors to try next, best first
	 * @param settling whether the outcome is unknown and the keys are read again
	 */
	record Transferring(Membership membership, long term, Exit exit, String successorKey, List<String> untried,
			boolean settling) implements RolePhase {

		@Override
		public long dueAt() {
			return this.membership.dueAt();
		}

	}

	/**
	 * The resignation (delete the ACTIVE key, rewrite this node's session) is in flight.
	 */
	record Resigning(Membership membership, long term, Exit exit) implements RolePhase {

		@Override
		public long dueAt() {
			return this.membership.dueAt();
		}

	}

	/**
	 * The application is stopping: the role takes no further part.
	 */
	record Stopped() implements RolePhase {
	}

	/**
	 * What keeps a standby from competing when the role has no active.
	 */
	sealed interface Wait {

		/**
		 * Nothing: it competes if it is first in line.
		 */
		Wait NONE = new None();

		long dueAt();

		/**
		 * It competes when first in line.
		 */
		record None() implements Wait {

			@Override
			public long dueAt() {
				return NEVER;
			}

		}

		/**
		 * It is not first in line: the successor should claim at once; if none has by
		 * {@code at}, it competes anyway.
		 */
		record Fallback(long at) implements Wait {

			@Override
			public long dueAt() {
				return this.at;
			}

		}

		/**
		 * It gave the role up after a failed activation and does not compete before
		 * {@code until}.
		 */
		record HoldOff(long until) implements Wait {

			@Override
			public long dueAt() {
				return this.until;
			}

		}

	}

	/**
	 * Why an active node leaves the role, and who asked.
	 *
	 * @param reason the reason it publishes
	 * @param reply where to answer a handover request, or {@code null}
	 * @param successor the server ID expected to take over, or {@code 0}
	 */
	record Exit(TransitionReason reason, @Nullable CompletableFuture<Handover> reply, long successor) {

		static Exit of(TransitionReason reason) {
			return new Exit(reason, null, 0);
		}

	}

	/**
	 * What the role last published.
	 *
	 * @param state the state
	 * @param reason why
	 * @param activeServerId the active's server ID, or {@code 0}
	 * @param activeAddress the active's address, or {@code null}
	 */
	record Shown(RoleState state, TransitionReason reason, long activeServerId, @Nullable String activeAddress) {
	}

}
