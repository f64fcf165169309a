package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.Membership.Attempt;
import io.github.coordinatorha.election.Membership.Cleanup;
import io.github.coordinatorha.election.Membership.Relinquished;
import io.github.coordinatorha.election.RoleEffect.Log.Level;
import io.github.coordinatorha.election.RoleInput.ActivationFailed;
import io.github.coordinatorha.election.RoleInput.ClaimFailed;
import io.github.coordinatorha.election.RoleInput.ClaimRefused;
import io.github.coordinatorha.election.RoleInput.Claimed;
import io.github.coordinatorha.election.RoleInput.Drained;
import io.github.coordinatorha.election.RoleInput.HandOverRequested;
import io.github.coordinatorha.election.RoleInput.RegisterFailed;
import io.github.coordinatorha.election.RoleInput.Registered;
import io.github.coordinatorha.election.RoleInput.ReleaseFailed;
import io.github.coordinatorha.election.RoleInput.Released;
import io.github.coordinatorha.election.RoleInput.ResignFailed;
import io.github.coordinatorha.election.RoleInput.Resigned;
import io.github.coordinatorha.election.RoleInput.SessionLost;
import io.github.coordinatorha.election.RoleInput.SessionOpened;
import io.github.coordinatorha.election.RoleInput.SessionUnavailable;
import io.github.coordinatorha.election.RoleInput.Stop;
import io.github.coordinatorha.election.RoleInput.SyncFailed;
import io.github.coordinatorha.election.RoleInput.Synced;
import io.github.coordinatorha.election.RoleInput.Tick;
import io.github.coordinatorha.election.RoleInput.WatchEnded;
import io.github.coordinatorha.election.RoleInput.Watched;
import io.github.coordinatorha.election.RolePhase.Active;
import io.github.coordinatorha.election.RolePhase.Claiming;
import io.github.coordinatorha.election.RolePhase.Draining;
import io.github.coordinatorha.election.RolePhase.Exit;
import io.github.coordinatorha.election.RolePhase.Idle;
import io.github.coordinatorha.election.RolePhase.Joining;
import io.github.coordinatorha.election.RolePhase.Resigning;
import io.github.coordinatorha.election.RolePhase.Shown;
import io.github.coordinatorha.election.RolePhase.Standby;
import io.github.coordinatorha.election.RolePhase.Stopped;
import io.github.coordinatorha.election.RolePhase.Wait;
import io.github.coordinatorha.election.RoleView.ActiveHolder;
import org.jspecify.annotations.Nullable;

/**
 * The election of one role on this node as a pure transition function:
 * {@code (phase, input, now) -> (phase, effects)}. No threads, no I/O, no etcd client:
 * {@link RoleActor} feeds it inputs one at a time and carries out the effects. The log
 * lines Milvus operators know ({@code register ACTIVE service successfully},
 * {@code quit STANDBY mode}, ...) are effects too.
 * <p>
 * The rules, in brief: a candidate registers its session, reads the role's keys and
 * watches them. With no ACTIVE key, only the candidate whose session was written longest
 * ago competes, with a create-if-absent transaction under its lease; the others compete
 * only if no one has claimed within a TTL. The winner's term is the key's create
 * revision. It steps down when its key changes behind its back or its session is lost; it
 * gives the role up on request, after a failed activation, or at shutdown, after its role
 * work has ended. A candidate removes ACTIVE keys no live node serves under: a term it
 * gave up, or a key without a lease.
 */
final class RoleMachine {

	/**
	 * How long a node giving the role up waits at the most for the role's work to end.
	 */
	static final Duration DRAIN_LIMIT = Duration.ofSeconds(15);

	private static final long NEVER = RolePhase.NEVER;

	private final String role;

	private final RoleKeys keys;

	private final Candidacy candidacy;

	RoleMachine(String role, RoleKeys keys, Candidacy candidacy) {
		this.role = role;
		this.keys = keys;
		this.candidacy = candidacy;
	}

	/**
	 * Where every role starts.
	 */
	static RolePhase initial() {
		return new Idle(TransitionReason.STARTING, Relinquished.NONE);
	}

	/**
	 * The phase after {@code input}, and what to do.
	 * @param phase the current phase
	 * @param input what happened
	 * @param now the node's monotonic clock
	 * @return the next phase and its effects
	 */
	Step next(RolePhase phase, RoleInput input, long now) {
		Transition t = new Transition(now);
		RolePhase next = decide(phase, input, t);
		return new Step(next, List.copyOf(t.effects));
	}

	/**
	 * A phase and the effects that lead to it.
	 */
	record Step(RolePhase phase, List<RoleEffect> effects) {
	}

	private RolePhase decide(RolePhase phase, RoleInput input, Transition t) {
		// From the application, in any phase
		if (input instanceof Stop) {
			return stop(phase, t);
		}
		if (phase instanceof Stopped) {
			if (input instanceof HandOverRequested request) {
				t.answer(request.reply(), notActive("the application is stopping"));
			}
			return phase;
		}
		if (input instanceof HandOverRequested request) {
			return handOver(phase, request.reply(), request.serverId(), t);
		}
		// From the session
		if (input instanceof SessionOpened opened) {
			return opened(phase, opened.lease(), t);
		}
		if (input instanceof SessionUnavailable) {
			return unavailable(phase, t);
		}
		if (input instanceof SessionLost lost) {
			return lost(phase, lost.lease(), t);
		}
		Membership m = phase.membership();
		if (m == null || (input.lease() != null && input.lease() != m.lease())) {
			return phase; // an answer from an earlier session, or news for a role without
							// one
		}
		// Under the current session: answers, the watch, time
		if (input instanceof Registered registered) {
			return registered(phase, m, registered, t);
		}
		if (input instanceof RegisterFailed failed) {
			return registerFailed(phase, m, failed.failure(), t);
		}
		if (input instanceof Synced synced) {
			RoleView view = RoleView.read(this.keys, synced.range().keyValues(), synced.range().header().revision());
			Membership read = m.withView(view).withSync(Attempt.DONE).recovered();
			return reconsider((phase instanceof Joining) ? new Standby(read, Wait.NONE) : with(phase, read), t);
		}
		if (input instanceof SyncFailed failed) {
			t.log(Level.WARN, "Could not read the keys of role " + this.role + " (" + failed.failure().getMessage()
					+ "); retrying");
			return with(phase, retrySync(m, t));
		}
		if (input instanceof Watched watched) {
			return m.current() ? reconsider(with(phase, m.withView(applied(m.view(), watched.events()))), t) : phase;
		}
		if (input instanceof WatchEnded ended) {
			if (!m.current()) {
				return phase;
			}
			t.log(Level.INFO, "The watch on role " + this.role + " ended (" + ended.failure().getMessage()
					+ "); reading the keys again");
			return with(phase, retrySync(m, t));
		}
		if (input instanceof Claimed claimed) {
			if (!(phase instanceof Claiming)) {
				return phase;
			}
			Membership won = m.withView(m.view().claimed(claimed.revision(), m.lease().leaseId(), claimed.session()))
				.withEpoch(claimed.epoch());
			boolean held = won.view().active().filter((holder) -> holder.term() == claimed.revision()).isPresent();
			// the watch may already have shown the new key gone again
			return held ? becomeActive(won, claimed.revision(), t) : reconsider(new Standby(won, Wait.NONE), t);
		}
		if (input instanceof ClaimRefused refused) {
			return (phase instanceof Claiming) ? reconsider(new Standby(refusedBy(m, refused.holder()), Wait.NONE), t)
					: phase;
		}
		if (input instanceof ClaimFailed failed) {
			return (phase instanceof Claiming) ? claimFailed(m, failed.failure(), t) : phase;
		}
		if (input instanceof Resigned resigned) {
			return (phase instanceof Resigning resigning && resigning.term() == resigned.term())
					? resigned(resigning, resigned, t) : phase;
		}
		if (input instanceof ResignFailed failed) {
			return (phase instanceof Resigning resigning && resigning.term() == failed.term())
					? resignFailed(resigning, failed.failure(), t) : phase;
		}
		if (input instanceof RoleInput.Transferred transferred) {
			return (phase instanceof RolePhase.Transferring transferring && transferring.term() == transferred.term()
					&& !transferring.settling()) ? transferred(transferring, transferred, t) : phase;
		}
		if (input instanceof RoleInput.TransferFailed failed) {
			return (phase instanceof RolePhase.Transferring transferring && transferring.term() == failed.term()
					&& !transferring.settling()) ? transferFailed(transferring, failed.failure(), t) : phase;
		}
		if (input instanceof Released released) {
			return released(phase, m, released, t);
		}
		if (input instanceof ReleaseFailed failed) {
			return releaseFailed(phase, m, failed, t);
		}
		if (input instanceof ActivationFailed failed) {
			return (phase instanceof Active active && active.term() == failed.term())
					? activationFailed(active, failed.failure(), t) : phase;
		}
		if (input instanceof Drained drained) {
			return (phase instanceof Draining draining && draining.term() == drained.term()) ? drained(draining, t)
					: phase;
		}
		if (input instanceof Tick) {
			return tick(phase, m, t);
		}
		if (input instanceof RoleInput.EpochChanged changed) {
			return epochChanged(phase, m, changed.epoch(), t);
		}
		if (input instanceof RoleInput.Rewound) {
			return rewound(phase, m, t);
		}
		throw new IllegalArgumentException("Unknown input " + input);
	}

	// The application

	private RolePhase stop(RolePhase phase, Transition t) {
		if (phase instanceof Active active) {
			t.log(Level.INFO,
					"serverName: " + this.keys.serverName() + " steps down from ACTIVE: the application is stopping");
			return drain(active.membership(), active.term(), Exit.of(TransitionReason.SHUTDOWN), t);
		}
		if (phase instanceof Draining draining) {
			if (draining.exit().reason() == TransitionReason.SHUTDOWN) {
				return phase;
			}
			answerExit(draining.exit(), notActive("the application is stopping"), t);
			return new Draining(draining.membership(), draining.term(), Exit.of(TransitionReason.SHUTDOWN),
					draining.until());
		}
		if (phase instanceof Stopped) {
			return phase;
		}
		if (phase instanceof RolePhase.Transferring transferring) {
			if (transferring.exit().reason() != TransitionReason.SHUTDOWN) {
				answerExit(transferring.exit(), notActive("the application is stopping"), t);
			}
			// the transfer in flight finishes first; then the role lets go
			return new RolePhase.Transferring(transferring.membership(), transferring.term(),
					Exit.of(TransitionReason.SHUTDOWN), transferring.successorKey(), transferring.untried(),
					transferring.settling());
		}
		if (phase instanceof Resigning resigning) {
			answerExit(resigning.exit(), new Handover(this.role, Handover.Outcome.UNKNOWN, resigning.exit().successor(),
					"The application is stopping; the role goes when this node's lease is revoked"), t);
		}
		Membership m = phase.membership();
		boolean decided = m != null && m.shown().state() != RoleState.JOINING;
		t.emit(new RoleEffect.Unwatch());
		t.publish(decided ? RoleState.STANDBY : RoleState.JOINING, TransitionReason.SHUTDOWN, 0, null, 0, null);
		t.emit(new RoleEffect.LetGo());
		return new Stopped();
	}

	private RolePhase handOver(RolePhase phase, CompletableFuture<Handover> reply, long chosen, Transition t) {
		if (!(phase instanceof Active active)) {
			t.answer(reply, notActive(activeOf(phase)));
			return phase;
		}
		Membership m = active.membership();
		if (chosen != 0) {
			if (m.view()
				.successorsExcluding(ownSessionKey(m), this.candidacy.succession())
				.stream()
				.noneMatch((candidate) -> candidate.serverId() == chosen)) {
				t.answer(reply,
						new Handover(this.role, Handover.Outcome.NOT_A_CANDIDATE, 0,
								"serverId " + chosen + " has no live session for " + this.role + " that could take it"
										+ ((chosen == m.lease().serverId()) ? " (it is this node)" : "")
										+ "; nothing was done"));
				return phase;
			}
			t.log(Level.INFO, "serverName: " + this.keys.serverName() + " hands ACTIVE over to serverId " + chosen
					+ " on request");
			return drain(m, active.term(), new Exit(TransitionReason.RESIGNED, reply, chosen), t);
		}
		long successor = m.view().successorServerIdExcluding(ownSessionKey(m), this.candidacy.succession());
		if (successor == 0) {
			t.answer(reply,
					new Handover(this.role, Handover.Outcome.NO_STANDBY, 0,
							"No standby is registered for " + this.role
									+ "; staying ACTIVE rather than leave the role with no one to serve it."
									+ " Start a standby first"));
			return phase;
		}
		t.log(Level.INFO, "serverName: " + this.keys.serverName() + " hands ACTIVE over to serverId " + successor
				+ " on request");
		return drain(m, active.term(), new Exit(TransitionReason.RESIGNED, reply, successor), t);
	}

	private RolePhase activationFailed(Active active, @Nullable Throwable failure, Transition t) {
		t.emit(new RoleEffect.Log(Level.ERROR,
				"A BecameActiveEvent listener for role " + this.role
						+ " failed, so this node cannot serve it; giving the role up to another candidate (this node"
						+ " competes again in " + active.membership().lease().ttl().toSeconds() + "s)",
				failure));
		return drain(active.membership(), active.term(), Exit.of(TransitionReason.ACTIVATION_FAILED), t);
	}

	// The session

	private RolePhase opened(RolePhase phase, SessionLease lease, Transition t) {
		if (!(phase instanceof Idle idle)) {
			return phase;
		}
		Shown shown = new Shown(RoleState.JOINING, idle.reason(), 0, null);
		t.emit(new RoleEffect.Register(lease));
		return new Joining(
				Membership.joining(lease, RoleView.read(this.keys, List.of(), 0), idle.relinquished(), shown));
	}

	private RolePhase unavailable(RolePhase phase, Transition t) {
		if (phase instanceof Idle idle && idle.reason() != TransitionReason.ETCD_UNAVAILABLE) {
			t.publish(RoleState.JOINING, TransitionReason.ETCD_UNAVAILABLE, 0, null, 0, null);
			return new Idle(TransitionReason.ETCD_UNAVAILABLE, idle.relinquished());
		}
		return phase;
	}

	private RolePhase lost(RolePhase phase, SessionLease lease, Transition t) {
		Membership m = phase.membership();
		if (m == null || m.lease() != lease) {
			return phase;
		}
		Relinquished relinquished = m.relinquished();
		long term = termOf(phase);
		if (term != 0) {
			relinquished = new Relinquished(term, m.lease().leaseId());
			t.log(Level.WARN, "serverName: " + this.keys.serverName() + " steps down from ACTIVE: its session was lost;"
					+ " it will compete again when etcd answers");
		}
		Exit exit = exitOf(phase);
		if (exit != null) {
			answerExit(exit, new Handover(this.role, Handover.Outcome.UNKNOWN, exit.successor(),
					"etcd did not confirm the handover before this node's session was lost; check the role's status"),
					t);
		}
		t.emit(new RoleEffect.Unwatch());
		if (exit != null && exit.reason() == TransitionReason.SHUTDOWN) {
			t.publish(RoleState.STANDBY, TransitionReason.SHUTDOWN, 0, null, 0, null);
			t.emit(new RoleEffect.LetGo());
			return new Stopped();
		}
		t.publish(RoleState.JOINING, TransitionReason.SESSION_LOST, 0, null, 0, null);
		return new Idle(TransitionReason.SESSION_LOST, relinquished);
	}

	// Answers to this role's requests

	private RolePhase registered(RolePhase phase, Membership m, Registered registered, Transition t) {
		String key = ownSessionKey(m);
		Membership written = m.withRegistration(Attempt.DONE)
			.recovered()
			.withView(m.view()
				.sessionWritten(key, m.lease().serverId(), registered.revision(), m.lease().leaseId(),
						SessionCodec.encode(registered.session())));
		if (phase instanceof Joining) {
			t.emit(new RoleEffect.Sync(m.lease()));
			return new Joining(written.withSync(Attempt.SENT));
		}
		return reconsider(with(phase, written), t);
	}

	private RolePhase registerFailed(RolePhase phase, Membership m, EtcdFailure failure, Transition t) {
		if (failure.is(EtcdFailure.Kind.LEASE_NOT_FOUND)) {
			t.emit(new RoleEffect.LeaseNotFound(m.lease()));
		}
		else {
			t.log(Level.WARN,
					"Could not register session " + ownSessionKey(m) + " (" + failure.getMessage() + "); retrying");
		}
		return with(phase, m.withRegistration(Attempt.dueAt(t.now + m.backoff())).backedOff());
	}

	private RolePhase claimFailed(Membership m, EtcdFailure failure, Transition t) {
		if (failure.is(EtcdFailure.Kind.LEASE_NOT_FOUND)) {
			t.emit(new RoleEffect.LeaseNotFound(m.lease()));
			return new Standby(m, Wait.NONE);
		}
		// The claim may or may not have been applied: read the truth again.
		t.log(Level.WARN,
				"Claim of role " + this.role + " got no answer (" + failure.getMessage() + "); reading the keys again");
		return new Standby(retrySync(m, t), Wait.NONE);
	}

	private RolePhase resigned(Resigning resigning, Resigned resigned, Transition t) {
		Membership m = resigning.membership();
		RoleView view = m.view();
		if (resigned.succeeded()) {
			view = view.activeDeleted(resigned.revision())
				.sessionWritten(ownSessionKey(m), m.lease().serverId(), resigned.revision(), m.lease().leaseId(),
						SessionCodec.encode(resigned.session()));
		}
		Exit exit = resigning.exit();
		answerExit(exit,
				resigned.succeeded()
						? new Handover(this.role, Handover.Outcome.HANDED_OVER, exit.successor(),
								"Resigned; serverId " + exit.successor() + " takes over")
						: new Handover(this.role, Handover.Outcome.UNKNOWN, exit.successor(),
								"The role's ACTIVE key had changed before this node resigned; check the role's status"),
				t);
		return reconsider(new Standby(m.withView(view), waitAfter(exit, m, t)), t);
	}

	private RolePhase resignFailed(Resigning resigning, EtcdFailure failure, Transition t) {
		Membership m = resigning.membership();
		t.log(Level.WARN, "Resigning role " + this.role + " got no answer (" + failure.getMessage()
				+ "); reading the keys again");
		answerExit(resigning.exit(), new Handover(this.role, Handover.Outcome.UNKNOWN, resigning.exit().successor(),
				"etcd did not confirm the resignation (" + failure.getMessage() + ")"), t);
		return new Standby(retrySync(m, t), waitAfter(resigning.exit(), m, t));
	}

	private RolePhase released(RolePhase phase, Membership m, Released released, Transition t) {
		Cleanup cleanup = m.cleanup();
		if (cleanup == null || cleanup.term() != released.term()) {
			return phase;
		}
		RoleView view = released.succeeded() ? m.view().activeDeleted(released.revision()) : m.view();
		return reconsider(with(phase, m.withView(view).withCleanup(null).recovered()), t);
	}

	private RolePhase releaseFailed(RolePhase phase, Membership m, ReleaseFailed failed, Transition t) {
		Cleanup cleanup = m.cleanup();
		if (cleanup == null || cleanup.term() != failed.term()) {
			return phase;
		}
		t.log(Level.DEBUG, "Removing the ACTIVE key of role " + this.role + " (term " + failed.term() + ") failed ("
				+ failed.failure().getMessage() + "); retrying in " + m.backoff() / 1_000_000 + "ms");
		return with(phase, m.withCleanup(cleanup.withAttempt(Attempt.dueAt(t.now + m.backoff()))).backedOff());
	}

	// Giving the role up

	// etcd's history

	private RolePhase epochChanged(RolePhase phase, Membership m, Epoch epoch, Transition t) {
		Membership known = m.withEpoch(epoch);
		if (phase instanceof Active active && active.epoch() < epoch.value()) {
			return stepDownFromOldHistory(active.withMembership(known), "etcd's epoch was raised to " + epoch.value(),
					t);
		}
		if (phase instanceof Active active && m.epoch().raw().isEmpty() && !epoch.raw().isEmpty()
				&& epoch.value() == active.epoch() && epoch.modRevision() <= active.term()) {
			// A term handed to this node before it had read the epoch key: the key was
			// written before the term began, in this history, so the term's writes are
			// guarded by it (a rewind would have reached this node first).
			t.emit(new RoleEffect.GuardTerm(active.term(), epoch));
		}
		return reconsider(with(phase, known), t);
	}

	private RolePhase rewound(RolePhase phase, Membership m, Transition t) {
		// Everything known is of the older history: read again at once.
		Membership rereading = m.withSync(Attempt.dueAt(t.now)).withRelinquished(Relinquished.NONE);
		if (phase instanceof Active active) {
			return stepDownFromOldHistory(active.withMembership(rereading), "etcd's history went back", t);
		}
		return with(phase, rereading);
	}

	private RolePhase stepDownFromOldHistory(Active active, String why, Transition t) {
		t.log(Level.WARN, "serverName: " + this.keys.serverName() + " steps down from ACTIVE: " + why
				+ "; it competes again so that its next term carries a larger fencing token");
		Membership steppedDown = t.publish(active.membership().withRelinquished(relinquish(active)), RoleState.STANDBY,
				TransitionReason.ETCD_REWOUND, 0, null);
		return reconsider(new Standby(steppedDown, Wait.NONE), t);
	}

	private RolePhase drain(Membership m, long term, Exit exit, Transition t) {
		Membership draining = t.publish(m.withRelinquished(new Relinquished(term, m.lease().leaseId())),
				RoleState.STANDBY, exit.reason(), 0, null);
		t.emit(new RoleEffect.Drain(term));
		return new Draining(draining, term, exit, t.now + DRAIN_LIMIT.toNanos());
	}

	/**
	 * The role's work has ended: give the role to the best successor in one write (the
	 * one asked for first, if any), or resign for successors of an older protocol, or, at
	 * shutdown with no successor, let the lease's revocation delete the key.
	 */
	private RolePhase drained(Draining draining, Transition t) {
		Membership m = draining.membership();
		List<String> successors = successorsFor(m, draining.exit());
		if (!successors.isEmpty()) {
			return transfer(m, draining.term(), draining.exit(), successors, t);
		}
		return withoutTransfer(m, draining.term(), draining.exit(), t);
	}

	private RolePhase withoutTransfer(Membership m, long term, Exit exit, Transition t) {
		if (exit.reason() == TransitionReason.SHUTDOWN) {
			t.emit(new RoleEffect.Unwatch());
			t.emit(new RoleEffect.LetGo());
			return new Stopped();
		}
		t.emit(new RoleEffect.Resign(m.lease(), term));
		return new Resigning(m, term, exit);
	}

	/**
	 * The session keys a role can be transferred to, best first (the one asked for in
	 * front); none when this node, or the successor the role should go to, speaks a
	 * protocol without transfers: then the node resigns and that successor claims.
	 */
	private List<String> successorsFor(Membership m, Exit exit) {
		if (!this.candidacy.transfers()) {
			return List.of();
		}
		List<RoleView.Candidate> ranked = m.view().successorsExcluding(ownSessionKey(m), this.candidacy.succession());
		RoleView.Candidate first = ranked.stream()
			.filter((candidate) -> candidate.serverId() == exit.successor())
			.findFirst()
			.orElse(ranked.isEmpty() ? null : ranked.get(0));
		if (first == null || first.session().get().protocol() < 2) {
			return List.of();
		}
		List<String> keys = new ArrayList<>(List.of(first.key()));
		ranked.stream()
			.filter((candidate) -> candidate != first && candidate.session().get().protocol() >= 2)
			.forEach((candidate) -> keys.add(candidate.key()));
		return keys;
	}

	private RolePhase transfer(Membership m, long term, Exit exit, List<String> successors, Transition t) {
		String next = successors.get(0);
		RoleView.Candidate successor = m.view().candidate(next).orElseThrow();
		t.emit(new RoleEffect.Transfer(m.lease(), term, successor, m.epoch()));
		return new RolePhase.Transferring(m, term, exit, next, List.copyOf(successors.subList(1, successors.size())),
				false);
	}

	private RolePhase transferred(RolePhase.Transferring transferring, RoleInput.Transferred transferred,
			Transition t) {
		Membership m = transferring.membership();
		Exit exit = transferring.exit();
		if (!transferred.succeeded()) {
			RoleView view = m.view();
			for (KeyValue keyValue : transferred.found()) {
				view = view.observe(keyValue);
			}
			Membership learnt = m.withView(view);
			boolean stillOurs = view.active()
				.filter((holder) -> holder.term() == transferring.term() && holder.leaseId() == m.lease().leaseId())
				.isPresent();
			if (stillOurs) {
				// the successor re-registered or went meanwhile: the next one
				return nextSuccessor(transferring, learnt, t);
			}
			answerExit(exit,
					new Handover(this.role, Handover.Outcome.UNKNOWN, exit.successor(),
							"The role's ACTIVE key changed while this node handed it over; check the role's status"),
					t);
			return afterGivingUp(learnt, exit, t);
		}
		RoleView.Candidate successor = m.view().candidate(transferring.successorKey()).orElseThrow();
		long createRevision = m.view()
			.active()
			.map(RoleView.ActiveHolder::createRevision)
			.orElse(transferred.revision());
		RoleView view = m.view()
			.holderWritten(transferred.revision(), createRevision, successor.leaseId(), successor.value())
			.sessionWritten(ownSessionKey(m), m.lease().serverId(), transferred.revision(), m.lease().leaseId(),
					SessionCodec.encode(transferred.session()));
		t.log(Level.INFO, "serverName: " + this.keys.serverName() + " handed ACTIVE over to serverId "
				+ successor.serverId() + " (term " + transferred.revision() + ")");
		answerExit(exit, new Handover(this.role, Handover.Outcome.HANDED_OVER, successor.serverId(),
				"Handed over; serverId " + successor.serverId() + " is ACTIVE"), t);
		return afterGivingUp(m.withView(view), exit, t);
	}

	private RolePhase transferFailed(RolePhase.Transferring transferring, EtcdFailure failure, Transition t) {
		Membership m = transferring.membership();
		if (failure.is(EtcdFailure.Kind.LEASE_NOT_FOUND)) {
			// the successor's lease died between the choice and the transfer
			return nextSuccessor(transferring, m, t);
		}
		// The transfer may or may not have been applied: settle it by reading the truth.
		t.log(Level.WARN, "Handing role " + this.role + " over got no answer (" + failure.getMessage()
				+ "); reading the keys again to see");
		t.emit(new RoleEffect.Sync(m.lease()));
		return new RolePhase.Transferring(m.withSync(Attempt.SENT), transferring.term(), transferring.exit(),
				transferring.successorKey(), transferring.untried(), true);
	}

	/**
	 * Settles a transfer whose answer was lost, once the view is current again.
	 */
	private RolePhase settled(RolePhase.Transferring transferring, Transition t) {
		Membership m = transferring.membership();
		Optional<ActiveHolder> holder = m.view().active();
		Optional<RoleView.Candidate> successor = m.view().candidate(transferring.successorKey());
		if (holder.isPresent() && holder.get().term() == transferring.term()) {
			// not applied: still ours
			return nextSuccessor(transferring, m, t);
		}
		Exit exit = transferring.exit();
		boolean applied = holder.isPresent() && successor.isPresent()
				&& holder.get().leaseId() == successor.get().leaseId();
		answerExit(exit, applied
				? new Handover(this.role, Handover.Outcome.HANDED_OVER, successor.get().serverId(),
						"Handed over; serverId " + successor.get().serverId() + " is ACTIVE")
				: new Handover(this.role, Handover.Outcome.UNKNOWN, exit.successor(),
						"The role's ACTIVE key changed while this node handed it over; check the role's status"),
				t);
		return afterGivingUp(m, exit, t);
	}

	private RolePhase nextSuccessor(RolePhase.Transferring transferring, Membership m, Transition t) {
		List<String> untried = transferring.untried()
			.stream()
			.filter((key) -> m.view().candidate(key).filter(RoleView.Candidate::eligible).isPresent())
			.toList();
		if (untried.isEmpty()) {
			return withoutTransfer(m, transferring.term(), transferring.exit(), t);
		}
		return transfer(m, transferring.term(), transferring.exit(), untried, t);
	}

	private RolePhase afterGivingUp(Membership m, Exit exit, Transition t) {
		if (exit.reason() == TransitionReason.SHUTDOWN) {
			t.emit(new RoleEffect.Unwatch());
			t.emit(new RoleEffect.LetGo());
			return new Stopped();
		}
		return reconsider(new Standby(m, waitAfter(exit, m, t)), t);
	}

	private Wait waitAfter(Exit exit, Membership m, Transition t) {
		return (exit.reason() == TransitionReason.ACTIVATION_FAILED)
				? new Wait.HoldOff(t.now + m.lease().ttl().toNanos()) : Wait.NONE;
	}

	// Time

	private RolePhase tick(RolePhase phase, Membership m, Transition t) {
		if (phase instanceof Draining draining && t.now - draining.until() >= 0) {
			t.log(Level.WARN, "The work of role " + this.role + " did not end within " + DRAIN_LIMIT.toSeconds()
					+ "s; letting the role go anyway");
			return drained(draining, t);
		}
		Membership due = m;
		if (due.registration().isDue(t.now)) {
			t.emit(new RoleEffect.Register(due.lease()));
			due = due.withRegistration(Attempt.SENT);
		}
		if (due.sync().isDue(t.now)) {
			t.emit(new RoleEffect.Sync(due.lease()));
			due = due.withSync(Attempt.SENT);
		}
		Cleanup cleanup = due.cleanup();
		if (cleanup != null && cleanup.attempt().isDue(t.now)) {
			t.log(Level.INFO, "serverName: " + this.keys.serverName() + " releases the ACTIVE key of term "
					+ cleanup.term() + ", " + cleanup.why());
			t.emit(new RoleEffect.Release(due.lease(), cleanup.term()));
			due = due.withCleanup(cleanup.withAttempt(Attempt.SENT));
		}
		RolePhase next = with(phase, due);
		boolean waitDue = next instanceof Standby && next.dueAt() - t.now <= 0;
		boolean preemptDue = next instanceof Active active && active.preemptAt() != NEVER
				&& active.preemptAt() - t.now <= 0;
		return (waitDue || preemptDue) ? reconsider(next, t) : next;
	}

	// Deciding on what the view shows

	/**
	 * Decides, after the view or the time changed, what the phase does about it.
	 */
	private RolePhase reconsider(RolePhase phase, Transition t) {
		Membership m = phase.membership();
		if (m == null || !m.current()) {
			return phase;
		}
		if (this.candidacy.preempt()) {
			m = m.eligibleAt(t.now, m.view().successorsExcluding(ownSessionKey(m), this.candidacy.succession()));
			phase = with(phase, m);
		}
		RoleView.Ownership ownership = m.view().ownership(ownSessionKey(m), m.lease().leaseId());
		if (ownership == RoleView.Ownership.TAKEN) {
			// Rewriting the key would fight the other process for it without end.
			t.emit(new RoleEffect.IdentityTaken(m.lease(), m.view().sessionLease(ownSessionKey(m))));
		}
		else if (ownership != RoleView.Ownership.HELD && m.registration() == Attempt.DONE
				&& !(phase instanceof Claiming) && !(phase instanceof Resigning)) {
			t.log(Level.WARN, "Session " + ownSessionKey(m) + " was deleted or overwritten behind this node's back;"
					+ " registering it again");
			t.emit(new RoleEffect.Register(m.lease()));
			m = m.withRegistration(Attempt.SENT);
			phase = with(phase, m);
		}
		if (phase instanceof Active active) {
			return activeReconsiders(active, t);
		}
		if (phase instanceof Standby standby) {
			return evaluate(standby.membership(), standby.waiting(), t);
		}
		if (phase instanceof RolePhase.Transferring transferring && transferring.settling()) {
			return settled(transferring, t);
		}
		return phase;
	}

	private RolePhase activeReconsiders(Active active, Transition t) {
		Membership m = active.membership();
		Optional<ActiveHolder> holder = m.view().active();
		boolean ours = holder.isPresent() && holder.get().term() == active.term();
		if (ours && holder.get().leaseId() == m.lease().leaseId()) {
			return this.candidacy.preempt() ? preemption(active, t) : active;
		}
		t.log(Level.WARN,
				"serverName: " + this.keys.serverName() + " steps down from ACTIVE: its ACTIVE key was "
						+ (ours ? "overwritten without its lease"
								: holder.isPresent() ? "taken over by serverId " + holder.get().serverId() : "deleted")
						+ " behind its back");
		Membership steppedDown = t.publish(m.withRelinquished(relinquish(active)), RoleState.STANDBY,
				TransitionReason.ACTIVE_KEY_LOST, 0, null);
		return evaluate(steppedDown, Wait.NONE, t);
	}

	/**
	 * Decides whether an active that may be preempted hands the role to a standby that
	 * ranks above it. One total order (rank, then the session's age and key) and these
	 * rules keep it from ping-ponging: no preemption on a tie of rank nor when the
	 * candidates' policies differ; the active has held the role for at least
	 * {@link #PREEMPT_AFTER}; the standby has stayed eligible, unchanged, for at least as
	 * long (one that lost the role, or stepped back, starts its wait again).
	 */
	private RolePhase preemption(Active active, Transition t) {
		Membership m = active.membership();
		Succession succession = this.candidacy.succession();
		Optional<RoleView.Candidate> self = m.view().candidate(ownSessionKey(m));
		List<RoleView.Candidate> ranked = m.view().successorsExcluding(ownSessionKey(m), succession);
		if (self.isEmpty() || ranked.isEmpty()) {
			return active.withPreemptAt(NEVER);
		}
		RoleView.Candidate best = ranked.get(0);
		boolean samePolicy = best.session()
			.map((session) -> succession.policy().spelling().equals(session.successor()))
			.orElse(false);
		if (!samePolicy || succession.rank().compare(best, self.get()) <= 0) {
			return active.withPreemptAt(NEVER);
		}
		long wait = preemptAfter(m);
		long due = Math.max(active.since(), m.eligibleSince(best)) + wait;
		if (t.now - due < 0) {
			return active.withPreemptAt(due);
		}
		t.log(Level.INFO, "serverName: " + this.keys.serverName() + " hands ACTIVE over to serverId " + best.serverId()
				+ ", which ranks above it (" + succession.policy().spelling() + ")");
		return drain(m, active.term(), new Exit(TransitionReason.PREEMPTED, null, best.serverId()), t);
	}

	private static long preemptAfter(Membership m) {
		return 2 * m.lease().ttl().toNanos();
	}

	/**
	 * Decides, as a standby with a current view, whether to compete now.
	 */
	private RolePhase evaluate(Membership m, Wait wait, Transition t) {
		if (wait instanceof Wait.HoldOff holdOff && t.now - holdOff.until() >= 0) {
			wait = Wait.NONE;
		}
		Optional<ActiveHolder> present = m.view().active();
		if (present.isPresent()) {
			return standbyUnder(m, (wait instanceof Wait.Fallback) ? Wait.NONE : wait, present.get(), t);
		}
		if (m.cleanup() != null && m.cleanup().attempt() != Attempt.SENT) {
			m = m.withCleanup(null);
		}
		// a term given up whose key is gone is no one's to remove any more
		m = m.withRelinquished(Relinquished.NONE);
		if (m.activeSeen()) {
			t.log(Level.INFO,
					"serverName: " + this.keys.serverName() + " start retrying to register as ACTIVE service...");
			m = t.publish(m.withActiveSeen(false, t.now), RoleState.STANDBY, m.shown().reason(), 0, null);
		}
		String own = ownSessionKey(m);
		boolean first = m.view().successor(this.candidacy.succession()).filter(own::equals).isPresent();
		if (wait instanceof Wait.HoldOff) {
			if (first && m.registration() == Attempt.DONE
					&& m.view().successorServerIdExcluding(own, this.candidacy.succession()) != 0) {
				// We may not compete yet but stand first in line: step to the back so
				// that
				// the next candidate takes the role now.
				t.emit(new RoleEffect.Register(m.lease()));
				m = m.withRegistration(Attempt.SENT);
			}
			return new Standby(m, wait);
		}
		if (first) {
			return claim(m, t);
		}
		if (wait instanceof Wait.Fallback fallback) {
			if (t.now - fallback.at() < 0) {
				return new Standby(m, wait);
			}
			t.log(Level.INFO, "serverName: " + this.keys.serverName() + " no successor claimed the ACTIVE key within "
					+ m.lease().ttl().toSeconds() + "s; competing");
			return claim(m, t);
		}
		// The successor should claim at once; if it is stuck, compete anyway after a TTL.
		return new Standby(m, new Wait.Fallback(t.now + m.lease().ttl().toNanos()));
	}

	private RolePhase standbyUnder(Membership m, Wait wait, ActiveHolder holder, Transition t) {
		if (m.relinquished().is(holder)) {
			// We gave this term up but its key is still there, under the lease we held it
			// under: release it, or no one else could take the role.
			return new Standby(cleanUp(m, holder.term(), "which it no longer serves", t.now), wait);
		}
		m = m.withRelinquished(Relinquished.NONE);
		if (holder.leaseId() == m.lease().leaseId()) {
			// A claim whose answer we never got did succeed, or a predecessor handed the
			// role to this node: it takes the role over at once.
			Membership handed = (m.activeGoneAt() == 0) ? m.withActiveSeen(m.activeSeen(), t.now) : m;
			return becomeActive(handed, holder.term(), t);
		}
		if (holder.serverId() == m.lease().serverId() && holder.leaseId() != 0) {
			// Handed to this node under a lease it no longer holds: no one serves under
			// it.
			return new Standby(
					cleanUp(m, holder.term(), "which names this node under a lease it no longer holds", t.now), wait);
		}
		Membership standby = t.publish(m.withActiveSeen(true, m.activeGoneAt()), RoleState.STANDBY,
				TransitionReason.ANOTHER_NODE_ACTIVE, holder.serverId(), holder.address());
		if (standby.cleanup() != null && standby.cleanup().term() != holder.term()
				&& standby.cleanup().attempt() != Attempt.SENT) {
			standby = standby.withCleanup(null);
		}
		if (holder.leaseId() == 0 && standby.cleanup() == null) {
			// Every claim is leased, so a key without a lease is no live claim; it would
			// never expire. Wait one TTL, time for a node that served under it to notice.
			long ttl = m.lease().ttl().toSeconds();
			t.log(Level.WARN,
					"The ACTIVE key of role " + this.role + " (term " + holder.term() + ") has no lease"
							+ (holder.session().isEmpty() ? " and holds no Milvus session" : "")
							+ ", so it would never expire; removing it in " + ttl + "s unless it changes");
			standby = cleanUp(standby, holder.term(), "which has no lease", t.now + m.lease().ttl().toNanos());
		}
		return new Standby(standby, wait);
	}

	private static Relinquished relinquish(Active active) {
		return new Relinquished(active.term(), active.membership().lease().leaseId());
	}

	private Membership cleanUp(Membership m, long term, String why, long at) {
		Cleanup cleanup = m.cleanup();
		if (cleanup != null && cleanup.term() == term) {
			return m;
		}
		return m.withCleanup(new Cleanup(term, why, Attempt.dueAt(at)));
	}

	private RolePhase claim(Membership m, Transition t) {
		t.emit(new RoleEffect.Claim(m.lease(), m.epoch()));
		return new Claiming(m);
	}

	private RolePhase becomeActive(Membership m, long term, Transition t) {
		long serverId = m.lease().serverId();
		t.log(Level.INFO, "register ACTIVE service successfully, serverName: " + this.keys.serverName() + ", ServerID="
				+ serverId + ", term=" + term);
		if (m.shown().state() == RoleState.STANDBY) {
			t.log(Level.INFO,
					"serverName: " + this.keys.serverName() + " quit STANDBY mode, this node will become ACTIVE");
		}
		if (m.activeGoneAt() != 0) {
			t.emit(new RoleEffect.TookOver(t.now - m.activeGoneAt()));
		}
		String address = m.view().active().map(ActiveHolder::address).orElse(null);
		Membership active = m.withActiveSeen(false, 0);
		long epoch = m.epoch().value();
		t.emit(new RoleEffect.Publish(RoleState.ACTIVE, TransitionReason.ELECTED, serverId, address, term, m.epoch(),
				m.lease()));
		return new Active(active.withShown(new Shown(RoleState.ACTIVE, TransitionReason.ELECTED, serverId, address)),
				term, epoch, t.now, NEVER);
	}

	// Helpers

	private Membership retrySync(Membership m, Transition t) {
		return m.withSync(Attempt.dueAt(t.now + m.backoff())).backedOff();
	}

	private static RoleView applied(RoleView view, List<WatchEvent> events) {
		RoleView applied = view;
		for (WatchEvent event : events) {
			applied = applied.apply(event);
		}
		return applied;
	}

	/**
	 * What a refused claim teaches: the ACTIVE key that exists, or the epoch that moved.
	 */
	private Membership refusedBy(Membership m, List<KeyValue> found) {
		Membership learnt = m;
		for (KeyValue keyValue : found) {
			learnt = keyValue.key().equals(this.keys.epochKey())
					? learnt.withEpoch(Epoch.of(keyValue, this.keys.epochKey()))
					: learnt.withView(learnt.view().observe(keyValue));
		}
		if (found.stream().noneMatch((keyValue) -> keyValue.key().equals(this.keys.epochKey()))) {
			learnt = learnt.withEpoch(Epoch.NONE);
		}
		return learnt;
	}

	private String ownSessionKey(Membership m) {
		return this.keys.sessionKey(m.lease().serverId());
	}

	private Handover notActive(String why) {
		return new Handover(this.role, Handover.Outcome.NOT_ACTIVE, 0,
				"This node is not ACTIVE for " + this.role + (why.isEmpty() ? "" : "; " + why));
	}

	private static String activeOf(RolePhase phase) {
		Membership m = phase.membership();
		Shown shown = (m != null) ? m.shown() : null;
		return (shown != null && shown.activeAddress() != null && shown.state() == RoleState.STANDBY)
				? "the active node is serverId " + shown.activeServerId() + " at " + shown.activeAddress() : "";
	}

	private static long termOf(RolePhase phase) {
		if (phase instanceof Active active) {
			return active.term();
		}
		if (phase instanceof RolePhase.Transferring transferring) {
			return transferring.term();
		}
		if (phase instanceof Draining draining) {
			return draining.term();
		}
		return (phase instanceof Resigning resigning) ? resigning.term() : 0;
	}

	private static @Nullable Exit exitOf(RolePhase phase) {
		if (phase instanceof Draining draining) {
			return draining.exit();
		}
		if (phase instanceof RolePhase.Transferring transferring) {
			return transferring.exit();
		}
		return (phase instanceof Resigning resigning) ? resigning.exit() : null;
	}

	private static void answerExit(Exit exit, Handover handover, Transition t) {
		if (exit.reply() != null) {
			t.answer(exit.reply(), handover);
		}
	}

	/**
	 * The same phase with other knowledge.
	 */
	private static RolePhase with(RolePhase phase, Membership m) {
		if (phase instanceof Joining) {
			return new Joining(m);
		}
		if (phase instanceof Standby standby) {
			return new Standby(m, standby.waiting());
		}
		if (phase instanceof Claiming) {
			return new Claiming(m);
		}
		if (phase instanceof Active active) {
			return active.withMembership(m);
		}
		if (phase instanceof Draining draining) {
			return new Draining(m, draining.term(), draining.exit(), draining.until());
		}
		if (phase instanceof Resigning resigning) {
			return new Resigning(m, resigning.term(), resigning.exit());
		}
		if (phase instanceof RolePhase.Transferring transferring) {
			return new RolePhase.Transferring(m, transferring.term(), transferring.exit(), transferring.successorKey(),
					transferring.untried(), transferring.settling());
		}
		return phase;
	}

	/**
	 * The effects of one transition, and its time.
	 */
	private static final class Transition {

		private final long now;

		private final List<RoleEffect> effects = new ArrayList<>();

		Transition(long now) {
			this.now = now;
		}

		void emit(RoleEffect effect) {
			this.effects.add(effect);
		}

		void log(Level level, String message) {
			emit(new RoleEffect.Log(level, message, null));
		}

		void answer(CompletableFuture<Handover> reply, Handover handover) {
			emit(new RoleEffect.Answer(reply, handover));
		}

		void publish(RoleState state, TransitionReason reason, long activeServerId, @Nullable String activeAddress,
				long term, @Nullable SessionLease lease) {
			emit(new RoleEffect.Publish(state, reason, activeServerId, activeAddress, term, Epoch.NONE, lease));
		}

		/**
		 * Publishes a state that is not ACTIVE, if it differs from what {@code m} shows.
		 */
		Membership publish(Membership m, RoleState state, TransitionReason reason, long activeServerId,
				@Nullable String activeAddress) {
			Shown shown = new Shown(state, reason, activeServerId, activeAddress);
			if (shown.equals(m.shown())) {
				return m;
			}
			publish(state, reason, activeServerId, activeAddress, 0, null);
			return m.withShown(shown);
		}

	}

}
