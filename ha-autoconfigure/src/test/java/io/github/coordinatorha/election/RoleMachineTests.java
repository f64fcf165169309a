package io.github.coordinatorha.election;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.Range;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.RoleMachine.Step;
import io.github.coordinatorha.election.RolePhase.Active;
import io.github.coordinatorha.election.RolePhase.Claiming;
import io.github.coordinatorha.election.RolePhase.Draining;
import io.github.coordinatorha.election.RolePhase.Resigning;
import io.github.coordinatorha.election.RolePhase.Standby;
import io.github.coordinatorha.election.RolePhase.Stopped;
import io.github.coordinatorha.election.RolePhase.Wait;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transition function on its own: no etcd, no threads, time passed in. These cover
 * single rules; the simulation checks them together, and the real-etcd tests check the
 * whole engine.
 */
class RoleMachineTests {

	private static final long SECOND = 1_000_000_000L;

	private final RoleKeys keys = new RoleKeys(new EtcdKeys("by-dev", "meta"), "rootCoord");

	private final RoleMachine machine = new RoleMachine("rootCoord", this.keys, Candidacy.DEFAULT);

	private final SessionLease lease = new SessionLease(1, 0xA, 1, Duration.ofSeconds(2), Instant.EPOCH, 10 * SECOND);

	private final List<RoleEffect> effects = new ArrayList<>();

	private RolePhase phase = RoleMachine.initial();

	private long now;

	@Test
	void aCandidateFirstInLineClaimsOnceItHasReadTheKeys() {
		join(session(2, 20));
		// our session (serverId 1) was written at 10, before serverId 2's
		assertThat(this.phase).isInstanceOf(Claiming.class);
		assertThat(this.effects).containsExactly(new RoleEffect.Claim(this.lease, Epoch.NONE));
	}

	@Test
	void aCandidateNotFirstInLineCompetesOnlyIfNoOneHasClaimedWithinATtl() {
		join(session(2, 5));
		assertThat(this.phase).isInstanceOfSatisfying(Standby.class,
				(standby) -> assertThat(standby.waiting()).isEqualTo(new Wait.Fallback(2 * SECOND)));
		feed(new RoleInput.Tick(), SECOND);
		assertThat(this.phase).isInstanceOf(Standby.class);
		feed(new RoleInput.Tick(), 2 * SECOND);
		assertThat(this.phase).isInstanceOf(Claiming.class);
		assertThat(logs()).anyMatch((line) -> line.contains("no successor claimed the ACTIVE key within 2s"));
	}

	@Test
	void aWonClaimPublishesActiveWithTheTermAndTheLease() {
		join();
		feed(claimed(30));
		assertThat(this.phase).isInstanceOfSatisfying(Active.class,
				(active) -> assertThat(active.term()).isEqualTo(30));
		assertThat(this.effects).contains(new RoleEffect.Publish(RoleState.ACTIVE, TransitionReason.ELECTED, 1, "a:1",
				30, Epoch.NONE, this.lease));
		assertThat(logs()).contains("register ACTIVE service successfully, serverName: rootcoord, ServerID=1, term=30");
	}

	@Test
	void aTermBegunBeforeTheEpochKeyWasReadIsGuardedByTheKeyWrittenBeforeItButNotByALaterOne() {
		becomeActive(30);
		Epoch written = new Epoch(0, 8, "0 mark");
		feed(new RoleInput.EpochChanged(written));
		assertThat(this.effects).contains(new RoleEffect.GuardTerm(30, written));
		assertThat(this.phase).isInstanceOf(Active.class);

		RoleMachineTests later = new RoleMachineTests();
		later.becomeActive(30);
		later.feed(new RoleInput.EpochChanged(new Epoch(0, 31, "0 later")));
		assertThat(later.effects).noneMatch(RoleEffect.GuardTerm.class::isInstance);
	}

	@Test
	void anActiveWhoseKeyIsDeletedBehindItsBackStepsDown() {
		becomeActive(30, session(2, 20));
		feed(new RoleInput.Watched(this.lease, List.of(new WatchEvent(true, activeKey("", 0, 31, 0)))));
		assertThat(this.effects).contains(new RoleEffect.Publish(RoleState.STANDBY, TransitionReason.ACTIVE_KEY_LOST, 0,
				null, 0, Epoch.NONE, null));
		assertThat(logs()).anyMatch((line) -> line.contains("steps down from ACTIVE: its ACTIVE key was deleted"));
	}

	@Test
	void aHandoverDrainsTheRoleBeforeItResignsAndTheResignerDoesNotWinItBack() {
		becomeActive(30, session(2, 20));
		CompletableFuture<Handover> reply = new CompletableFuture<>();
		feed(new RoleInput.HandOverRequested(reply, 0));
		assertThat(this.phase).isInstanceOf(Draining.class);
		assertThat(this.effects).containsSubsequence(
				new RoleEffect.Publish(RoleState.STANDBY, TransitionReason.RESIGNED, 0, null, 0, Epoch.NONE, null),
				new RoleEffect.Drain(30));
		assertThat(this.effects).noneMatch(RoleEffect.Resign.class::isInstance);
		feed(new RoleInput.Drained(30));
		assertThat(this.phase).isInstanceOf(Resigning.class);
		assertThat(this.effects).containsExactly(new RoleEffect.Resign(this.lease, 30));
		feed(new RoleInput.Resigned(this.lease, 30, true, 40, ownSession()));
		// our session was rewritten at 40, after serverId 2's at 20: it is not first in
		// line
		assertThat(this.phase).isInstanceOfSatisfying(Standby.class,
				(standby) -> assertThat(standby.waiting()).isInstanceOf(Wait.Fallback.class));
		assertThat(this.effects).anyMatch((effect) -> effect instanceof RoleEffect.Answer answer
				&& answer.reply() == reply && answer.handover().outcome() == Handover.Outcome.HANDED_OVER
				&& answer.handover().successorServerId() == 2);
	}

	@Test
	void aDrainThatNeverEndsLetsTheRoleGoAtTheDrainLimit() {
		becomeActive(30, session(2, 20));
		feed(new RoleInput.HandOverRequested(new CompletableFuture<>(), 0));
		long limit = RoleMachine.DRAIN_LIMIT.toNanos();
		assertThat(this.phase.dueAt()).isEqualTo(this.now + limit);
		feed(new RoleInput.Tick(), this.now + limit);
		assertThat(this.phase).isInstanceOf(Resigning.class);
		assertThat(logs()).anyMatch((line) -> line.contains("did not end within 15s"));
	}

	@Test
	void stoppingAnActiveDrainsThenLetsGoWithoutWritingToEtcd() {
		becomeActive(30);
		feed(new RoleInput.Stop());
		assertThat(this.effects).contains(new RoleEffect.Drain(30));
		feed(new RoleInput.Drained(30));
		assertThat(this.phase).isInstanceOf(Stopped.class);
		assertThat(this.effects).contains(new RoleEffect.LetGo())
			.noneMatch((effect) -> effect instanceof RoleEffect.Resign || effect instanceof RoleEffect.Release);
	}

	@Test
	void answersUnderAnEarlierLeaseAreIgnored() {
		join();
		SessionLease earlier = new SessionLease(0, 0x9, 1, Duration.ofSeconds(2), Instant.EPOCH, 0);
		RolePhase before = this.phase;
		feed(new RoleInput.Claimed(earlier, 30, ownSession(), Epoch.NONE));
		assertThat(this.phase).isSameAs(before);
		assertThat(this.effects).isEmpty();
	}

	@Test
	void aFailedReleaseIsRetriedAfterABackoffNotAtOnce() {
		join(session(2, 5), activeKey(json(1), 25, 25, 0xA));
		// a key of a term we gave up, still under our lease (say, a resignation whose
		// answer was lost)
		becomeActive(25, session(2, 5));
		feed(new RoleInput.HandOverRequested(new CompletableFuture<>(), 0));
		feed(new RoleInput.Drained(25));
		feed(new RoleInput.ResignFailed(this.lease, 25, new EtcdFailure(EtcdFailure.Kind.NO_ANSWER, "slow")));
		feed(synced(50, session(2, 5), ownKey(10), activeKey(json(1), 25, 25, 0xA)), this.now + SECOND);
		feed(new RoleInput.Tick());
		assertThat(actions()).containsExactly(new RoleEffect.Release(this.lease, 25));
		feed(new RoleInput.ReleaseFailed(this.lease, 25, new EtcdFailure(EtcdFailure.Kind.NO_ANSWER, "slow")));
		assertThat(actions()).isEmpty();
		assertThat(this.phase.dueAt() - this.now).isPositive();
		feed(new RoleInput.Tick(), this.phase.dueAt());
		assertThat(actions()).containsExactly(new RoleEffect.Release(this.lease, 25));
	}

	@Test
	void aLostSessionStepsDownAndRemembersTheTermToRelease() {
		becomeActive(30);
		feed(new RoleInput.SessionLost(this.lease, "expired"));
		assertThat(this.phase)
			.isEqualTo(new RolePhase.Idle(TransitionReason.SESSION_LOST, new Membership.Relinquished(30, 0xA)));
		assertThat(this.effects).contains(new RoleEffect.Unwatch(),
				new RoleEffect.Publish(RoleState.JOINING, TransitionReason.SESSION_LOST, 0, null, 0, Epoch.NONE, null));
	}

	@Test
	void aHandoverToASuccessorOfTheSameProtocolIsOneTransferAndTheSuccessorIsNamedActive() {
		KeyValue successor = session(2, 20, SessionInfo.PROTOCOL);
		becomeActive(30, successor);
		CompletableFuture<Handover> reply = new CompletableFuture<>();
		feed(new RoleInput.HandOverRequested(reply, 0));
		feed(new RoleInput.Drained(30));
		assertThat(actions()).singleElement().isInstanceOfSatisfying(RoleEffect.Transfer.class, (transfer) -> {
			assertThat(transfer.term()).isEqualTo(30);
			assertThat(transfer.successor().serverId()).isEqualTo(2);
		});
		feed(new RoleInput.Transferred(this.lease, 30, successor.key(), true, 41, ownSession(), List.of()));
		assertThat(this.phase).isInstanceOf(Standby.class);
		assertThat(this.phase.membership().view().active()).hasValueSatisfying((holder) -> {
			assertThat(holder.term()).isEqualTo(41);
			assertThat(holder.serverId()).isEqualTo(2);
		});
		assertThat(this.effects).anyMatch((effect) -> effect instanceof RoleEffect.Answer answer
				&& answer.handover().outcome() == Handover.Outcome.HANDED_OVER);
	}

	@Test
	void aSuccessorWhoseLeaseDiedIsPassedOverForTheNextAndThenTheRoleIsReleased() {
		KeyValue first = session(2, 20, SessionInfo.PROTOCOL);
		KeyValue second = session(3, 25, SessionInfo.PROTOCOL);
		becomeActive(30, first, second);
		feed(new RoleInput.HandOverRequested(new CompletableFuture<>(), 0));
		feed(new RoleInput.Drained(30));
		EtcdFailure dead = new EtcdFailure(EtcdFailure.Kind.LEASE_NOT_FOUND, "lease not found");
		feed(new RoleInput.TransferFailed(this.lease, 30, first.key(), dead));
		assertThat(actions()).singleElement()
			.isInstanceOfSatisfying(RoleEffect.Transfer.class,
					(transfer) -> assertThat(transfer.successor().serverId()).isEqualTo(3));
		feed(new RoleInput.TransferFailed(this.lease, 30, second.key(), dead));
		assertThat(actions()).containsExactly(new RoleEffect.Resign(this.lease, 30));
	}

	@Test
	void aTransferWhoseAnswerIsLostIsSettledByReadingNotByDeleting() {
		KeyValue successor = session(2, 20, SessionInfo.PROTOCOL);
		becomeActive(30, successor);
		feed(new RoleInput.HandOverRequested(new CompletableFuture<>(), 0));
		feed(new RoleInput.Drained(30));
		feed(new RoleInput.TransferFailed(this.lease, 30, successor.key(),
				new EtcdFailure(EtcdFailure.Kind.NO_ANSWER, "slow")));
		assertThat(actions()).containsExactly(new RoleEffect.Sync(this.lease));
		// the read shows the successor holding the key under its lease: it was applied
		feed(synced(50, successor, ownKey(41), activeKey(json(2), 10, 41, 0xB)));
		assertThat(this.phase).isInstanceOf(Standby.class);
		assertThat(actions())
			.noneMatch((effect) -> effect instanceof RoleEffect.Release || effect instanceof RoleEffect.Resign);
	}

	@Test
	void aChosenServerIdWithNoSessionChangesNothing() {
		becomeActive(30, session(2, 20, SessionInfo.PROTOCOL));
		CompletableFuture<Handover> reply = new CompletableFuture<>();
		feed(new RoleInput.HandOverRequested(reply, 7));
		assertThat(this.phase).isInstanceOf(Active.class);
		assertThat(this.effects).anyMatch((effect) -> effect instanceof RoleEffect.Answer answer
				&& answer.handover().outcome() == Handover.Outcome.NOT_A_CANDIDATE);
	}

	@Test
	void aKeyHandedToThisNodeUnderItsLeaseMakesItActiveWithoutAWrite() {
		join(session(2, 5));
		feed(new RoleInput.Watched(this.lease, List.of(new WatchEvent(false, activeKey(json(1), 3, 60, 0xA)))));
		assertThat(this.phase).isInstanceOfSatisfying(Active.class,
				(active) -> assertThat(active.term()).isEqualTo(60));
		assertThat(actions()).noneMatch((effect) -> effect instanceof RoleEffect.Claim);
	}

	@Test
	void aPreemptingActiveHandsTheRoleToAHigherPriorityStandbyOnlyAfterTenureAndDwellAndNeverOnATie() {
		RoleMachine preempting = new RoleMachine("rootCoord", this.keys,
				new Candidacy(new Succession(SuccessorPolicy.PRIORITY, 5), true, SessionInfo.PROTOCOL));
		RoleMachine machine = preempting;
		this.phase = RoleMachine.initial();
		feedTo(machine, new RoleInput.SessionOpened(this.lease), 0);
		feedTo(machine, new RoleInput.Registered(this.lease, 10, ownSession()), 0);
		KeyValue equal = prioritized(2, 20, 5);
		feedTo(machine, synced(20, ownKeyWithPriority(10, 5), equal), 0);
		feedTo(machine, claimed(30), 0);
		assertThat(this.phase).isInstanceOf(Active.class);
		long ttl = this.lease.ttl().toNanos();
		// a tie of rank: no preemption, ever
		feedTo(machine, new RoleInput.Tick(), 10 * ttl);
		assertThat(this.phase).isInstanceOf(Active.class);
		// a higher priority joins: it must stay eligible for two TTLs first
		KeyValue higher = prioritized(3, 40, 9);
		feedTo(machine, new RoleInput.Watched(this.lease, List.of(new WatchEvent(false, higher))), 10 * ttl);
		assertThat(this.phase).isInstanceOf(Active.class);
		assertThat(this.phase.dueAt()).isEqualTo(12 * ttl);
		feedTo(machine, new RoleInput.Tick(), 12 * ttl);
		assertThat(this.phase).isInstanceOfSatisfying(Draining.class, (draining) -> assertThat(draining.exit())
			.isEqualTo(new RolePhase.Exit(TransitionReason.PREEMPTED, null, 3)));
	}

	private void feedTo(RoleMachine machine, RoleInput input, long at) {
		this.now = at;
		Step step = machine.next(this.phase, input, at);
		this.phase = step.phase();
		this.effects.clear();
		this.effects.addAll(step.effects());
	}

	private KeyValue prioritized(long serverId, long revision, int priority) {
		String json = "{\"ServerID\":" + serverId + ",\"ServerName\":\"rootcoord\",\"Address\":\"a:" + serverId
				+ "\",\"ElectionProtocol\":2,\"Successor\":\"priority\",\"Priority\":" + priority + "}";
		return new KeyValue(this.keys.sessionKey(serverId), json, revision, revision, 1, 0xB0 + serverId);
	}

	private KeyValue ownKeyWithPriority(long revision, int priority) {
		String json = "{\"ServerID\":1,\"ServerName\":\"rootcoord\",\"Address\":\"a:1\",\"ElectionProtocol\":2,"
				+ "\"Successor\":\"priority\",\"Priority\":" + priority + "}";
		return new KeyValue(this.keys.sessionKey(1), json, revision, revision, 1, 0xA);
	}

	// Driving the machine

	private void join(KeyValue... others) {
		feed(new RoleInput.SessionOpened(this.lease));
		feed(new RoleInput.Registered(this.lease, 10, ownSession()));
		List<KeyValue> keyValues = new ArrayList<>(List.of(others));
		keyValues.add(ownKey(10));
		feed(synced(20, keyValues.toArray(KeyValue[]::new)));
	}

	private void becomeActive(long term, KeyValue... others) {
		join(others);
		if (this.phase instanceof Standby) {
			feed(new RoleInput.Tick(), this.phase.dueAt());
		}
		feed(claimed(term));
		assertThat(this.phase).isInstanceOf(Active.class);
	}

	private RoleInput claimed(long revision) {
		return new RoleInput.Claimed(this.lease, revision, ownSession(), Epoch.NONE);
	}

	private RoleInput synced(long revision, KeyValue... keyValues) {
		return new RoleInput.Synced(this.lease, new Range(new Header(revision, 1, 1, 1), List.of(keyValues)));
	}

	private void feed(RoleInput input) {
		feed(input, this.now);
	}

	private void feed(RoleInput input, long at) {
		this.now = at;
		Step step = this.machine.next(this.phase, input, at);
		this.phase = step.phase();
		this.effects.clear();
		this.effects.addAll(step.effects());
	}

	private List<RoleEffect> actions() {
		return this.effects.stream().filter((effect) -> !(effect instanceof RoleEffect.Log)).toList();
	}

	private List<String> logs() {
		return this.effects.stream()
			.filter(RoleEffect.Log.class::isInstance)
			.map((effect) -> ((RoleEffect.Log) effect).message())
			.toList();
	}

	private SessionInfo ownSession() {
		return SessionInfo.of(1, "rootcoord", "a:1", "v", 0xA, "h", "t");
	}

	private KeyValue ownKey(long revision) {
		return new KeyValue(this.keys.sessionKey(1), json(1), revision, revision, 1, 0xA);
	}

	private KeyValue session(long serverId, long revision) {
		return new KeyValue(this.keys.sessionKey(serverId), json(serverId), revision, revision, 1, 0xB);
	}

	private KeyValue session(long serverId, long revision, int protocol) {
		String json = "{\"ServerID\":" + serverId + ",\"ServerName\":\"rootcoord\",\"Address\":\"a:" + serverId
				+ "\",\"ElectionProtocol\":" + protocol + "}";
		return new KeyValue(this.keys.sessionKey(serverId), json, revision, revision, 1, 0xB0 + serverId);
	}

	private KeyValue activeKey(String value, long create, long mod, long lease) {
		return new KeyValue(this.keys.activeKey(), value, create, mod, 1, lease);
	}

	private static String json(long serverId) {
		return "{\"ServerID\":" + serverId + ",\"ServerName\":\"rootcoord\",\"Address\":\"a:" + serverId + "\"}";
	}

}
