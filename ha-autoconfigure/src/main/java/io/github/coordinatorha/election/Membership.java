package io.github.coordinatorha.election;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.coordinatorha.election.RolePhase.Shown;
import org.jspecify.annotations.Nullable;

/**
 * What one role knows while it has a session, from the session's opening to its loss: an
 * immutable value that {@link RoleMachine} replaces as it learns.
 *
 * @param lease the session's lease
 * @param view the role's keys as last known
 * @param sync the read of the role's keys, which a running watch then keeps current
 * @param registration the write of this node's session key
 * @param relinquished a term this node gave up whose ACTIVE key may linger
 * @param cleanup the removal of an ACTIVE key no live node serves under, or {@code null}
 * @param backoff the delay before the next retry, doubled by each failure
 * @param shown what the role last published
 * @param activeSeen whether the view showed an active since this node last competed
 * @param activeGoneAt when the active's key was seen to go, or {@code 0}
 * @param epoch the epoch of etcd's history as last known, which claims compare
 * @param eligible since when each candidate has been eligible, unchanged, for preemption
 */
record Membership(SessionLease lease, RoleView view, Attempt sync, Attempt registration, Relinquished relinquished,
		@Nullable Cleanup cleanup, long backoff, Shown shown, boolean activeSeen, long activeGoneAt, Epoch epoch,
		Map<String, Eligible> eligible) {

	static final long FIRST_BACKOFF = 200_000_000L;

	/**
	 * The longest delay between retries: 5s, or the TTL if shorter, so that a node
	 * recovers from a fault within about a TTL of its end.
	 */
	static final long MAX_BACKOFF = 5_000_000_000L;

	static Membership joining(SessionLease lease, RoleView view, Relinquished relinquished, Shown shown) {
		return new Membership(lease, view, Attempt.SENT, Attempt.SENT, relinquished, null, FIRST_BACKOFF, shown, false,
				0, Epoch.NONE, Map.of());
	}

	long dueAt() {
		long due = Math.min(this.sync.dueAt(), this.registration.dueAt());
		return (this.cleanup != null) ? Math.min(due, this.cleanup.attempt().dueAt()) : due;
	}

	/**
	 * Whether the view is current: read, and followed by a running watch.
	 */
	boolean current() {
		return this.sync == Attempt.DONE;
	}

	Membership withView(RoleView view) {
		return new Membership(this.lease, view, this.sync, this.registration, this.relinquished, this.cleanup,
				this.backoff, this.shown, this.activeSeen, this.activeGoneAt, this.epoch, this.eligible);
	}

	Membership withSync(Attempt sync) {
		return new Membership(this.lease, this.view, sync, this.registration, this.relinquished, this.cleanup,
				this.backoff, this.shown, this.activeSeen, this.activeGoneAt, this.epoch, this.eligible);
	}

	Membership withRegistration(Attempt registration) {
		return new Membership(this.lease, this.view, this.sync, registration, this.relinquished, this.cleanup,
				this.backoff, this.shown, this.activeSeen, this.activeGoneAt, this.epoch, this.eligible);
	}

	Membership withRelinquished(Relinquished relinquished) {
		return new Membership(this.lease, this.view, this.sync, this.registration, relinquished, this.cleanup,
				this.backoff, this.shown, this.activeSeen, this.activeGoneAt, this.epoch, this.eligible);
	}

	Membership withCleanup(@Nullable Cleanup cleanup) {
		return new Membership(this.lease, this.view, this.sync, this.registration, this.relinquished, cleanup,
				this.backoff, this.shown, this.activeSeen, this.activeGoneAt, this.epoch, this.eligible);
	}

	Membership withShown(Shown shown) {
		return new Membership(this.lease, this.view, this.sync, this.registration, this.relinquished, this.cleanup,
				this.backoff, shown, this.activeSeen, this.activeGoneAt, this.epoch, this.eligible);
	}

	Membership withEpoch(Epoch epoch) {
		return new Membership(this.lease, this.view, this.sync, this.registration, this.relinquished, this.cleanup,
				this.backoff, this.shown, this.activeSeen, this.activeGoneAt, epoch, this.eligible);
	}

	/**
	 * This membership with the candidates' eligibility brought up to {@code now}: a
	 * candidate seen for the first time, or rewritten (a new lease, a re-registration),
	 * is eligible from now on.
	 */
	Membership eligibleAt(long now, List<RoleView.Candidate> candidates) {
		Map<String, Eligible> eligible = new HashMap<>();
		for (RoleView.Candidate candidate : candidates) {
			Eligible known = this.eligible.get(candidate.key());
			eligible.put(candidate.key(), (known != null && known.modRevision() == candidate.modRevision()) ? known
					: new Eligible(candidate.modRevision(), now));
		}
		return new Membership(this.lease, this.view, this.sync, this.registration, this.relinquished, this.cleanup,
				this.backoff, this.shown, this.activeSeen, this.activeGoneAt, this.epoch, Map.copyOf(eligible));
	}

	/**
	 * Since when a candidate has been eligible, unchanged.
	 */
	long eligibleSince(RoleView.Candidate candidate) {
		Eligible known = this.eligible.get(candidate.key());
		return (known != null) ? known.since() : RolePhase.NEVER;
	}

	Membership withActiveSeen(boolean activeSeen, long activeGoneAt) {
		return new Membership(this.lease, this.view, this.sync, this.registration, this.relinquished, this.cleanup,
				this.backoff, this.shown, activeSeen, activeGoneAt, this.epoch, this.eligible);
	}

	/**
	 * After a success: the next failure retries after the first delay again.
	 */
	Membership recovered() {
		return (this.backoff == FIRST_BACKOFF) ? this
				: new Membership(this.lease, this.view, this.sync, this.registration, this.relinquished, this.cleanup,
						FIRST_BACKOFF, this.shown, this.activeSeen, this.activeGoneAt, this.epoch, this.eligible);
	}

	/**
	 * After a failure: the delay before the retry it needs, doubled for the next one.
	 */
	Membership backedOff() {
		return new Membership(this.lease, this.view, this.sync, this.registration, this.relinquished, this.cleanup,
				Math.min(this.backoff * 2, Math.min(MAX_BACKOFF, this.lease.ttl().toNanos())), this.shown,
				this.activeSeen, this.activeGoneAt, this.epoch, this.eligible);
	}

	/**
	 * A candidate's session as it was when it became eligible.
	 *
	 * @param modRevision the revision of its session
	 * @param since when this node first saw it so
	 */
	record Eligible(long modRevision, long since) {
	}

	/**
	 * A term this node gave up and the lease it held it under: its ACTIVE key may linger
	 * (a resignation whose answer was lost, a lease revoked too late), and only a key of
	 * that term under that lease is this node's to remove; an equal term of a later
	 * history is not.
	 *
	 * @param term the term, {@code 0} for none
	 * @param leaseId the lease it was held under
	 */
	record Relinquished(long term, long leaseId) {

		static final Relinquished NONE = new Relinquished(0, 0);

		boolean is(RoleView.ActiveHolder holder) {
			return this.term != 0 && holder.term() == this.term && holder.leaseId() == this.leaseId;
		}

	}

	/**
	 * A request the role keeps making until it succeeds.
	 *
	 * @param stage sent and unanswered, done, or due again at {@code at}
	 * @param at when it is due, for {@link Stage#DUE}
	 */
	record Attempt(Stage stage, long at) {

		static final Attempt SENT = new Attempt(Stage.SENT, RolePhase.NEVER);

		static final Attempt DONE = new Attempt(Stage.DONE, RolePhase.NEVER);

		static Attempt dueAt(long at) {
			return new Attempt(Stage.DUE, at);
		}

		long dueAt() {
			return (this.stage == Stage.DUE) ? this.at : RolePhase.NEVER;
		}

		boolean isDue(long now) {
			return this.stage == Stage.DUE && now - this.at >= 0;
		}

		enum Stage {

			SENT, DONE, DUE

		}

	}

	/**
	 * The removal of an ACTIVE key of a term no live node serves under: one this node
	 * gave up, or one without a lease, which would never expire.
	 *
	 * @param term the key's term
	 * @param why for the log: "which it no longer serves", "which has no lease"
	 * @param attempt the guarded delete
	 */
	record Cleanup(long term, String why, Attempt attempt) {

		Cleanup withAttempt(Attempt attempt) {
			return new Cleanup(this.term, this.why, attempt);
		}

	}

}
