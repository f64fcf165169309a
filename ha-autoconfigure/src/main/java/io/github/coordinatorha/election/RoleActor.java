package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.EtcdGateway.WatchListener;
import io.github.coordinatorha.election.EtcdGateway.Watching;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The actor of one role's election: it feeds every input to {@link RoleMachine}, one at a
 * time on the role's {@link Lane}, and carries out the effects through the
 * {@link RoleStore}, the {@link RoleAnnouncer} and the session. Answers from etcd, watch
 * events and timers come back to the lane as inputs, so the lane never blocks and never
 * runs on a jetcd thread. It owns the watch and one timer, armed at the phase's earliest
 * deadline and so disarmed when the phase that armed it ends.
 */
final class RoleActor implements RoleHandle, SessionListener, EpochKeeper.Listener {

	private static final Log logger = LogFactory.getLog(RoleActor.class);

	private final String name;

	private final RoleKeys keys;

	private final RoleMachine machine;

	private final RoleStore store;

	private final Lane lane;

	private final RoleAnnouncer announcer;

	private final SessionEvents session;

	private final ElectionObserver observer;

	private final Duration requestTimeout;

	private final ElectionTrace trace;

	private final CompletableFuture<Void> letGo = new CompletableFuture<>();

	// Confined to the lane

	private RolePhase phase = RoleMachine.initial();

	/**
	 * This node's place in line, from the view of the last phase: written on the lane,
	 * read by health from any thread.
	 */
	private volatile int rank;

	private final Candidacy candidacy;

	private @Nullable Watching watching;

	private long generation;

	private Lane.@Nullable Timer wakeup;

	private long wakeupAt = RolePhase.NEVER;

	RoleActor(String name, RoleKeys keys, RoleStore store, Lane lane, RoleAnnouncer announcer, SessionEvents session,
			ElectionObserver observer, Duration requestTimeout, Candidacy candidacy, ElectionTrace trace) {
		this.name = name;
		this.keys = keys;
		this.machine = new RoleMachine(name, keys, candidacy);
		this.candidacy = candidacy;
		this.store = store;
		this.lane = lane;
		this.announcer = announcer;
		this.session = session;
		this.observer = observer;
		this.requestTimeout = requestTimeout;
		this.trace = trace;
	}

	// On the lane

	private void feed(RoleInput input) {
		RoleMachine.Step step = this.machine.next(this.phase, input, this.lane.nanoTime());
		this.phase = step.phase();
		this.rank = rankIn(this.phase);
		this.trace.step(this.name, input, step.phase(), step.effects());
		step.effects().forEach(this::carryOut);
		wakeAt(this.phase.dueAt());
	}

	private int rankIn(RolePhase phase) {
		Membership membership = phase.membership();
		if (membership == null || !(phase instanceof RolePhase.Standby || phase instanceof RolePhase.Claiming)) {
			return 0;
		}
		return membership.view().rank(this.keys.sessionKey(membership.lease().serverId()), this.candidacy.succession());
	}

	private void carryOut(RoleEffect effect) {
		if (effect instanceof RoleEffect.Register register) {
			answer(this.store.register(register.lease()));
		}
		else if (effect instanceof RoleEffect.Sync sync) {
			sync(sync.lease());
		}
		else if (effect instanceof RoleEffect.Unwatch) {
			unwatch();
		}
		else if (effect instanceof RoleEffect.Claim claim) {
			answer(this.store.claim(claim.lease(), claim.epoch()));
		}
		else if (effect instanceof RoleEffect.Resign resign) {
			answer(this.store.resign(resign.lease(), resign.term()));
		}
		else if (effect instanceof RoleEffect.Transfer transfer) {
			answer(this.store.transfer(transfer.lease(), transfer.term(), transfer.successor(), transfer.epoch()));
		}
		else if (effect instanceof RoleEffect.Release release) {
			answer(this.store.release(release.lease(), release.term()));
		}
		else if (effect instanceof RoleEffect.Drain drain) {
			// The STANDBY listeners (@RoleBound beans stopping) first, then calls in
			// flight.
			this.announcer.published()
				.thenCompose((published) -> this.observer.releasing(this.name))
				.whenCompleteAsync((done, failure) -> feed(new RoleInput.Drained(drain.term())), this.lane);
		}
		else if (effect instanceof RoleEffect.Publish publish) {
			this.announcer.publish(publish, (failure) -> post(new RoleInput.ActivationFailed(publish.term(), failure)));
		}
		else if (effect instanceof RoleEffect.GuardTerm guard) {
			this.announcer.guard(guard.term(), guard.epoch());
		}
		else if (effect instanceof RoleEffect.Answer answer) {
			answer.reply().complete(answer.handover());
		}
		else if (effect instanceof RoleEffect.LeaseNotFound notFound) {
			this.session.leaseNotFound(notFound.lease());
		}
		else if (effect instanceof RoleEffect.IdentityTaken taken) {
			this.session.identityTaken(taken.lease(), taken.otherLease());
		}
		else if (effect instanceof RoleEffect.Log log) {
			log(log);
		}
		else if (effect instanceof RoleEffect.TookOver tookOver) {
			this.observer.tookOver(this.name, Duration.ofNanos(tookOver.nanos()));
		}
		else if (effect instanceof RoleEffect.LetGo) {
			this.letGo.complete(null);
		}
	}

	private void answer(CompletableFuture<RoleInput> answer) {
		answer.thenAcceptAsync(this::feed, this.lane).exceptionally(this::failed);
	}

	private @Nullable Void failed(Throwable failure) {
		logger.error("Role " + this.name + " could not take an answer from etcd", failure);
		return null;
	}

	/**
	 * Reads the role's keys, then watches them from the next revision; the answers of an
	 * earlier read, and the events of an earlier watch, are dropped.
	 */
	private void sync(SessionLease lease) {
		unwatch();
		long generation = this.generation;
		this.store.read(lease).thenAcceptAsync((answer) -> {
			if (generation != this.generation) {
				return;
			}
			if (answer instanceof RoleInput.Synced synced) {
				this.watching = this.store.watch(synced.range().header().revision() + 1, watcher(lease, generation));
			}
			feed(answer);
		}, this.lane).exceptionally(this::failed);
	}

	private WatchListener watcher(SessionLease lease, long generation) {
		return new WatchListener() {

			@Override
			public void onEvents(Header header, List<WatchEvent> events) {
				post(generation, new RoleInput.Watched(lease, events));
			}

			@Override
			public void onEnded(EtcdFailure failure) {
				post(generation, new RoleInput.WatchEnded(lease, failure));
			}

		};
	}

	private void unwatch() {
		this.generation++;
		if (this.watching != null) {
			this.watching.close();
			this.watching = null;
		}
	}

	private void wakeAt(long due) {
		if (due == this.wakeupAt) {
			return;
		}
		if (this.wakeup != null) {
			this.wakeup.cancel();
			this.wakeup = null;
		}
		this.wakeupAt = due;
		if (due != RolePhase.NEVER) {
			Lane.Timer[] timer = new Lane.Timer[1];
			timer[0] = this.lane.schedule(() -> {
				// a timer cancelled after it fired must not clear its successor
				if (this.wakeup == timer[0]) {
					this.wakeup = null;
					this.wakeupAt = RolePhase.NEVER;
					feed(new RoleInput.Tick());
				}
			}, Math.max(0, due - this.lane.nanoTime()));
			this.wakeup = timer[0];
		}
	}

	private void log(RoleEffect.Log log) {
		switch (log.level()) {
			case DEBUG -> logger.debug(log.message(), log.failure());
			case INFO -> logger.info(log.message(), log.failure());
			case WARN -> logger.warn(log.message(), log.failure());
			case ERROR -> logger.error(log.message(), log.failure());
		}
	}

	// From any thread

	/**
	 * Completes once this role's lane has run a task: the lane is alive, not stuck.
	 */
	CompletableFuture<Void> probe() {
		CompletableFuture<Void> ran = new CompletableFuture<>();
		this.lane.execute(() -> ran.complete(null));
		return ran;
	}

	private void post(RoleInput input) {
		this.lane.execute(() -> feed(input));
	}

	private void post(long generation, RoleInput input) {
		this.lane.execute(() -> {
			if (generation == this.generation) {
				feed(input);
			}
		});
	}

	@Override
	public void epochChanged(Epoch epoch) {
		post(new RoleInput.EpochChanged(epoch));
	}

	@Override
	public void rewound() {
		post(new RoleInput.Rewound());
	}

	@Override
	public void sessionEstablished(SessionLease lease) {
		post(new RoleInput.SessionOpened(lease));
	}

	@Override
	public void sessionUnavailable(String reason) {
		post(new RoleInput.SessionUnavailable(reason));
	}

	@Override
	public void sessionLost(SessionLease lease, String reason) {
		post(new RoleInput.SessionLost(lease, reason));
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public RoleStatus status() {
		return this.announcer.status();
	}

	@Override
	public boolean isActive() {
		return this.announcer.isActive();
	}

	@Override
	public FencingToken fencingToken() {
		RoleStatus status = status();
		if (!status.isActive() || status.fencingToken() == null) {
			throw new NotActiveException(status);
		}
		return status.fencingToken();
	}

	@Override
	public Cmp fencingGuard() {
		return fencingGuard(fencingToken());
	}

	@Override
	public Cmp fencingGuard(FencingToken token) {
		if (!token.isFenced()) {
			// createRevision == 0 would hold whenever no node holds the role.
			throw new IllegalArgumentException("An unfenced token guards nothing: take the token of a term with"
					+ " ActiveStandby.fencingToken(\"" + this.name + "\") or inside an @ActiveOnly call");
		}
		// A term is the ACTIVE key's mod revision: a transfer rewrites the key, so the
		// guard of a deposed node fails even though the key was never deleted.
		return new Cmp(JetcdGateway.bytes(this.keys.activeKey()), Cmp.Op.EQUAL,
				CmpTarget.modRevision(token.revision()));
	}

	@Override
	public Cmp epochGuard(FencingToken token) {
		return EpochGuards.of(this.keys.epochKey(), token, this.announcer.epochOf(token));
	}

	/**
	 * The epoch guard in the gateway's terms, for the simulation's writers.
	 */
	EtcdGateway.Compare epochCompare(FencingToken token) {
		return EpochGuards.compare(this.keys.epochKey(), token, this.announcer.epochOf(token));
	}

	@Override
	public Handover handOver(long serverId) {
		if (!isActive()) {
			RoleStatus status = status();
			return new Handover(this.name, Handover.Outcome.NOT_ACTIVE, 0,
					"This node is not ACTIVE for " + this.name
							+ ((status.activeAddress() != null) ? "; the active node is serverId "
									+ status.activeServerId() + " at " + status.activeAddress() : ""));
		}
		CompletableFuture<Handover> reply = requestHandOver(serverId);
		if (this.announcer.onEventThread()) {
			// A listener of this role (Spring Integration's yield(), say) asks: the
			// handover
			// waits for that listener to return, so its outcome cannot be awaited here.
			return new Handover(this.name, Handover.Outcome.UNKNOWN, serverId, "The handover goes on once this"
					+ " listener of role " + this.name + " returns; its outcome cannot be awaited from inside it");
		}
		Duration bound = RoleMachine.DRAIN_LIMIT.plus(this.requestTimeout.multipliedBy(2));
		try {
			return reply.get(bound.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Handover(this.name, Handover.Outcome.UNKNOWN, 0, "Interrupted while handing over");
		}
		catch (ExecutionException | TimeoutException ex) {
			return new Handover(this.name, Handover.Outcome.UNKNOWN, 0,
					"etcd did not confirm the handover in time; check the role's status");
		}
	}

	/**
	 * Asks for a handover without waiting for the answer.
	 */
	CompletableFuture<Handover> requestHandOver(long serverId) {
		CompletableFuture<Handover> reply = new CompletableFuture<>();
		post(new RoleInput.HandOverRequested(reply, serverId));
		return reply;
	}

	@Override
	public int rank() {
		return this.rank;
	}

	@Override
	public List<RegisteredSession> registeredSessions() throws Exception {
		try {
			return this.store.sessions().get(this.requestTimeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw EtcdFailure.of(ex);
		}
	}

	@Override
	public void start() {
		this.announcer.start();
	}

	@Override
	public CompletableFuture<Void> stop() {
		post(new RoleInput.Stop());
		return this.letGo;
	}

	@Override
	public void close(Duration timeout) {
		this.announcer.awaitPublished(timeout);
	}

}
