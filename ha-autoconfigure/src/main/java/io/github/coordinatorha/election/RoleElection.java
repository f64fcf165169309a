package io.github.coordinatorha.election;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.election.RoleView.ActiveHolder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The election of one role on this node, written as a state machine that runs on the
 * role's own thread ({@code ha-role-<role>}). Every input (session changes, watch
 * responses, answers to our etcd calls, timers) is a task on that thread; etcd calls are
 * asynchronous and their answers come back as tasks, so the thread never blocks and
 * never runs on a jetcd thread.
 * <p>
 * Phases: {@code IDLE} (no session) → {@code JOINING} (registering the session and
 * reading the role's keys) → {@code STANDBY} ⇄ {@code CLAIMING} → {@code ACTIVE} →
 * {@code RESIGNING} → {@code STANDBY}; any phase → {@code IDLE} when the session is lost
 * and → {@code STOPPED} at shutdown.
 * <p>
 * The published state is a volatile snapshot; {@link #status()} and
 * {@link #isActive()} also check the session's deadline, so the node never reports
 * ACTIVE past the moment its lease could have expired, even before this thread has
 * processed the loss.
 */
final class RoleElection implements RoleHandle, SessionListener {

	private static final Log logger = LogFactory.getLog(RoleElection.class);

	private static final Duration STANDBY_LOG_INTERVAL = Duration.ofSeconds(10);

	private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);

	private enum Phase {

		IDLE, JOINING, STANDBY, CLAIMING, ACTIVE, RESIGNING, STOPPED

	}

	/**
	 * What the role publishes: its status and the lease its ACTIVE state rests on.
	 */
	private record Published(RoleStatus status, SessionLease lease) {
	}

	private final String name;

	private final String serverName;

	private final EtcdKeys keys;

	private final ByteSequence activeKey;

	private final ByteSequence rangeEnd;

	private final KV kv;

	private final Watch watch;

	private final NodeSession session;

	private final NodeIdentity identity;

	private final Duration requestTimeout;

	private final TransitionPublisher publisher;

	private final Object eventSource;

	private final LongSupplier clock;

	private final ElectionObserver observer;

	private final ScheduledExecutorService executor;

	private final RoleView view;

	private volatile Published published;

	// Everything below is confined to the role's thread.

	private Phase phase = Phase.IDLE;

	private SessionLease lease;

	private RoleState announced;

	private Watch.Watcher watcher;

	private long watchGeneration;

	private boolean viewCurrent;

	private boolean registering;

	private long term;

	private long relinquishedTerm;

	private long releasingTerm;

	/**
	 * The term of an unleased ACTIVE key whose removal is scheduled.
	 */
	private long unleasedTerm;

	private boolean activeSeen;

	private long activeGoneAt;

	private long holdOffUntil;

	private Duration retryDelay = Duration.ofMillis(200);

	private ScheduledFuture<?> fallback;

	private ScheduledFuture<?> retry;

	private ScheduledFuture<?> standbyLog;

	RoleElection(String name, KV kv, Watch watch, NodeSession session, EtcdKeys keys, NodeIdentity identity,
			Duration requestTimeout, TransitionPublisher publisher, Object eventSource, ElectionObserver observer,
			LongSupplier clock) {
		this.name = name;
		this.serverName = name.toLowerCase(Locale.ROOT);
		this.keys = keys;
		this.activeKey = EtcdCalls.bytes(keys.activeKey(this.serverName));
		this.rangeEnd = EtcdCalls.bytes(keys.roleRangeEnd(this.serverName));
		this.kv = kv;
		this.watch = watch;
		this.session = session;
		this.identity = identity;
		this.requestTimeout = requestTimeout;
		this.publisher = publisher;
		this.eventSource = eventSource;
		this.clock = clock;
		this.observer = observer;
		this.view = new RoleView(keys, this.serverName);
		this.executor = Executors.newSingleThreadScheduledExecutor(ElectionThreads.named("ha-role-" + name));
		this.published = new Published(status(RoleState.STANDBY, TransitionReason.STARTING, null, null), null);
	}

	@Override
	public String name() {
		return this.name;
	}

	// Answers, on any thread

	@Override
	public RoleStatus status() {
		Published current = this.published;
		if (current.status().isActive() && !this.session.isValid(current.lease())) {
			RoleStatus active = current.status();
			return new RoleStatus(this.name, RoleState.STANDBY, TransitionReason.SESSION_LOST, active.serverId(), 0,
					null, null, Instant.now());
		}
		return current.status();
	}

	@Override
	public boolean isActive() {
		Published current = this.published;
		return current.status().isActive() && this.session.isValid(current.lease());
	}

	@Override
	public FencingToken fencingToken() {
		Published current = this.published;
		if (!current.status().isActive() || !this.session.isValid(current.lease())) {
			throw new NotActiveException(status());
		}
		return current.status().fencingToken();
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
		return new Cmp(this.activeKey, Cmp.Op.EQUAL, CmpTarget.createRevision(token.revision()));
	}

	@Override
	public Handover handOver() {
		CompletableFuture<Handover> answer = new CompletableFuture<>();
		post(() -> onHandOver(answer));
		try {
			return answer.get(this.requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
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

	@Override
	public List<RegisteredSession> registeredSessions() throws Exception {
		GetOption range = GetOption.builder().withRange(this.rangeEnd).build();
		GetResponse response = EtcdCalls.await(EtcdCalls.bounded(this.kv.get(this.activeKey, range),
				this.requestTimeout), this.requestTimeout);
		RoleView snapshot = new RoleView(this.keys, this.serverName);
		snapshot.reset(response.getKvs(), response.getHeader().getRevision());
		long activeServerId = snapshot.active().map(ActiveHolder::serverId).orElse(0L);
		List<RegisteredSession> sessions = new ArrayList<>();
		for (KeyValue keyValue : response.getKvs()) {
			String key = EtcdCalls.string(keyValue.getKey());
			if (this.keys.sessionServerId(this.serverName, key).isEmpty()) {
				continue;
			}
			SessionCodec.decode(keyValue.getValue())
				.ifPresent((info) -> sessions.add(new RegisteredSession(info.serverId(), info.address(),
						info.hostName(), info.version(), info.registeredAt(), info.serverId() == activeServerId,
						info.stopping())));
		}
		return sessions;
	}

	// Lifecycle, on the caller's thread

	@Override
	public void start() {
		this.executor.scheduleAtFixedRate(() -> logStandby(), STANDBY_LOG_INTERVAL.toMillis(),
				STANDBY_LOG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public RoleStatus stop() {
		Future<RoleStatus> stopped = this.executor.submit(this::onStop);
		try {
			return stopped.get(this.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Role " + this.name + " did not stop cleanly: " + EtcdCalls.describe(ex));
		}
		// Whatever the role thread is doing, this node no longer claims the role.
		RoleStatus farewell = status(RoleState.STANDBY, TransitionReason.SHUTDOWN, null, null);
		boolean wasActive = this.published.status().isActive();
		this.published = new Published(farewell, null);
		return wasActive ? farewell : null;
	}

	@Override
	public void close(RoleStatus farewell, Duration timeout) {
		this.executor.shutdownNow();
		if (farewell != null) {
			this.publisher.publish(new BecameStandbyEvent(this.eventSource, farewell));
		}
		this.publisher.close(timeout);
	}

	// Session changes, called on the session thread and handed to ours

	@Override
	public void sessionEstablished(SessionLease lease) {
		post(() -> onSessionEstablished(lease));
	}

	@Override
	public void sessionUnavailable(String reason) {
		post(() -> onSessionUnavailable(reason));
	}

	@Override
	public void sessionLost(SessionLease lease, String reason) {
		post(() -> onSessionLost(lease));
	}

	/**
	 * Hands work to the role's thread from any other thread, jetcd's included. After
	 * shutdown there is nothing left to do, so late callbacks are dropped.
	 */
	private void post(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			logger.trace("Role " + this.name + " is stopped; dropping a late callback");
		}
	}

	// The state machine, on the role's thread

	private void onSessionEstablished(SessionLease lease) {
		if (this.phase == Phase.STOPPED) {
			return;
		}
		this.lease = lease;
		this.phase = Phase.JOINING;
		register();
	}

	private void onSessionUnavailable(String reason) {
		if (this.phase == Phase.IDLE) {
			announce(RoleState.STANDBY, TransitionReason.ETCD_UNAVAILABLE, null, null);
		}
	}

	private void onSessionLost(SessionLease lost) {
		if (lost != this.lease || this.phase == Phase.STOPPED) {
			return;
		}
		if (this.phase == Phase.ACTIVE || this.phase == Phase.RESIGNING) {
			this.relinquishedTerm = this.term;
			logger.warn("serverName: " + this.serverName + " steps down from ACTIVE: its session was lost; it will"
					+ " compete again when etcd answers");
		}
		this.lease = null;
		this.registering = false;
		this.phase = Phase.IDLE;
		stopWatching();
		cancelTimers();
		announce(RoleState.STANDBY, TransitionReason.SESSION_LOST, null, null);
	}

	private void onHandOver(CompletableFuture<Handover> answer) {
		if (this.phase != Phase.ACTIVE || !this.session.isValid(this.lease)) {
			RoleStatus status = status();
			answer.complete(new Handover(this.name, Handover.Outcome.NOT_ACTIVE, 0, "This node is not ACTIVE for "
					+ this.name + ((status.activeAddress() != null) ? "; the active node is serverId "
							+ status.activeServerId() + " at " + status.activeAddress() : "")));
			return;
		}
		long successor = this.view.successorServerIdExcluding(sessionKey());
		if (successor == 0) {
			answer.complete(new Handover(this.name, Handover.Outcome.NO_STANDBY, 0,
					"No standby is registered for " + this.name + "; staying ACTIVE rather than leave the role"
							+ " with no one to serve it. Start a standby first"));
			return;
		}
		logger.info("serverName: " + this.serverName + " hands ACTIVE over to serverId " + successor + " on request");
		resign(TransitionReason.RESIGNED, (failure) -> answer.complete((failure == null)
				? new Handover(this.name, Handover.Outcome.HANDED_OVER, successor,
						"Resigned; serverId " + successor + " takes over")
				: new Handover(this.name, Handover.Outcome.UNKNOWN, successor,
						"etcd did not confirm the resignation (" + EtcdCalls.describe(failure) + ")")));
	}

	private RoleStatus onStop() {
		boolean wasActive = this.phase == Phase.ACTIVE;
		this.phase = Phase.STOPPED;
		stopWatching();
		cancelTimers();
		RoleStatus farewell = status(RoleState.STANDBY, TransitionReason.SHUTDOWN, null, null);
		this.published = new Published(farewell, null);
		if (wasActive) {
			logger.info("serverName: " + this.serverName + " steps down from ACTIVE: the application is stopping");
		}
		return wasActive ? farewell : null;
	}

	private void register() {
		this.registering = true;
		SessionLease lease = this.lease;
		PutOption withLease = PutOption.builder().withLeaseId(lease.leaseId()).build();
		EtcdCalls.bounded(this.kv.put(sessionKeyBytes(), SessionCodec.encode(ownSession()), withLease),
				this.requestTimeout)
			.whenCompleteAsync((response, failure) -> registered(lease, response, failure), this.executor);
	}

	private void registered(SessionLease lease, PutResponse response, Throwable failure) {
		if (lease != this.lease || this.phase == Phase.STOPPED) {
			return;
		}
		this.registering = false;
		if (failure != null && EtcdCalls.isLeaseNotFound(failure)) {
			this.session.leaseNotFound(lease);
			return;
		}
		if (failure != null) {
			logger.warn("Could not register session " + sessionKey() + " (" + EtcdCalls.describe(failure)
					+ "); retrying");
			retryLater(this::register);
			return;
		}
		this.retryDelay = Duration.ofMillis(200);
		if (this.phase == Phase.JOINING || !this.viewCurrent) {
			sync();
		}
		else {
			this.view.sessionWritten(sessionKey(), lease.serverId(), response.getHeader().getRevision(), lease.leaseId(),
					Optional.of(ownSession()));
			viewChanged();
		}
	}

	/**
	 * Reads the role's keys, then watches them from the revision after the read. Called
	 * after joining and whenever the watch breaks or is compacted away.
	 */
	private void sync() {
		stopWatching();
		long generation = ++this.watchGeneration;
		SessionLease lease = this.lease;
		GetOption range = GetOption.builder().withRange(this.rangeEnd).build();
		EtcdCalls.bounded(this.kv.get(this.activeKey, range), this.requestTimeout)
			.whenCompleteAsync((response, failure) -> synced(lease, generation, response, failure), this.executor);
	}

	private void synced(SessionLease lease, long generation, GetResponse response, Throwable failure) {
		if (lease != this.lease || generation != this.watchGeneration || this.phase == Phase.STOPPED) {
			return;
		}
		if (failure != null) {
			logger.warn("Could not read the keys of role " + this.name + " (" + EtcdCalls.describe(failure)
					+ "); retrying");
			retryLater(this::sync);
			return;
		}
		this.view.reset(response.getKvs(), response.getHeader().getRevision());
		WatchOption fromNextRevision = WatchOption.builder()
			.withRange(this.rangeEnd)
			.withRevision(response.getHeader().getRevision() + 1)
			.build();
		this.watcher = this.watch.watch(this.activeKey, fromNextRevision,
				Watch.listener((watched) -> post(() -> watched(generation, watched)),
						(error) -> post(() -> watchBroken(generation, error)),
						() -> post(() -> watchBroken(generation, null))));
		this.viewCurrent = true;
		this.retryDelay = Duration.ofMillis(200);
		if (this.phase == Phase.JOINING) {
			this.phase = Phase.STANDBY;
		}
		viewChanged();
	}

	private void watched(long generation, WatchResponse response) {
		if (generation != this.watchGeneration || !this.viewCurrent) {
			return;
		}
		response.getEvents().forEach(this.view::apply);
		viewChanged();
	}

	private void watchBroken(long generation, Throwable error) {
		if (generation != this.watchGeneration || this.lease == null || this.phase == Phase.STOPPED) {
			return;
		}
		logger.info("The watch on role " + this.name + " ended ("
				+ ((error != null) ? EtcdCalls.describe(error) : "closed by etcd") + "); reading the keys again");
		stopWatching();
		retryLater(this::sync);
	}

	private void viewChanged() {
		if (this.lease != null && !this.registering && !this.view.holdsSession(sessionKey(), this.lease.leaseId())
				&& this.phase != Phase.CLAIMING
				&& this.phase != Phase.RESIGNING) {
			logger.warn("Session " + sessionKey() + " was deleted or overwritten behind this node's back;"
					+ " registering it again");
			register();
		}
		Optional<ActiveHolder> holder = this.view.active();
		if (this.phase == Phase.ACTIVE) {
			boolean ours = holder.isPresent() && holder.get().createRevision() == this.term;
			if (ours && holder.get().leaseId() == this.lease.leaseId()) {
				return;
			}
			logger.warn("serverName: " + this.serverName + " steps down from ACTIVE: its ACTIVE key was "
					+ (ours ? "overwritten without its lease" : holder.isPresent()
							? "taken over by serverId " + holder.get().serverId() : "deleted")
					+ " behind its back");
			this.relinquishedTerm = this.term;
			this.phase = Phase.STANDBY;
			announce(RoleState.STANDBY, TransitionReason.ACTIVE_KEY_LOST, null, null);
		}
		if (this.phase == Phase.STANDBY) {
			evaluate(holder);
		}
	}

	/**
	 * Decides, as a standby with a current view, whether to compete now.
	 */
	private void evaluate(Optional<ActiveHolder> holder) {
		if (holder.isPresent()) {
			ActiveHolder active = holder.get();
			cancel(this.fallback);
			this.fallback = null;
			if (active.createRevision() == this.relinquishedTerm) {
				// We gave this term up but its key is still there, under our lease or
				// overwritten without it: release it, or no one else could take the role.
				release(active.createRevision(), "which it no longer serves");
				return;
			}
			if (active.leaseId() == this.lease.leaseId()) {
				// A claim whose answer we never got did succeed.
				becomeActive(active.createRevision());
				return;
			}
			this.activeSeen = true;
			announce(RoleState.STANDBY, TransitionReason.ANOTHER_NODE_ACTIVE, active.serverId(), active.address());
			if (active.leaseId() == 0) {
				removeUnleasedLater(active);
			}
			return;
		}
		if (this.activeSeen) {
			this.activeSeen = false;
			this.activeGoneAt = this.clock.getAsLong();
			logger.info("serverName: " + this.serverName + " start retrying to register as ACTIVE service...");
			announce(RoleState.STANDBY, this.published.status().reason(), null, null);
		}
		long wait = this.holdOffUntil - this.clock.getAsLong();
		if (wait > 0) {
			if (!this.registering && this.view.successor().filter(sessionKey()::equals).isPresent()
					&& this.view.successorServerIdExcluding(sessionKey()) != 0) {
				// We may not compete yet but stand first in line: step to the back so that
				// the next candidate takes the role now.
				register();
			}
			cancel(this.fallback);
			this.fallback = this.executor.schedule(this::reevaluate, wait, TimeUnit.NANOSECONDS);
			return;
		}
		if (this.view.successor().filter(sessionKey()::equals).isPresent()) {
			claim();
		}
		else if (this.fallback == null) {
			// The successor should claim at once; if it is stuck, compete anyway after a TTL.
			this.fallback = this.executor.schedule(this::claimAfterFallback, this.lease.ttl().toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * An ACTIVE key without a lease never expires, so no node could ever take the role:
	 * every claim is leased, so it is no live claim. After one TTL, time for a node that
	 * served under that key to notice and step down, it is deleted.
	 */
	private void removeUnleasedLater(ActiveHolder active) {
		long term = active.createRevision();
		if (this.unleasedTerm == term) {
			return;
		}
		this.unleasedTerm = term;
		logger.warn("The ACTIVE key of role " + this.name + " (term " + term + ") has no lease"
				+ (active.session().isEmpty() ? " and holds no Milvus session" : "")
				+ ", so it would never expire; removing it in " + this.lease.ttl().toSeconds() + "s"
				+ " unless it changes");
		this.executor.schedule(() -> {
			Optional<ActiveHolder> now = this.view.active();
			if (this.phase == Phase.STANDBY && this.viewCurrent && now.isPresent()
					&& now.get().createRevision() == term && now.get().leaseId() == 0) {
				release(term, "which has no lease");
			}
		}, this.lease.ttl().toMillis(), TimeUnit.MILLISECONDS);
	}

	private void reevaluate() {
		this.fallback = null;
		if (this.phase == Phase.STANDBY && this.viewCurrent) {
			evaluate(this.view.active());
		}
	}

	private void claimAfterFallback() {
		this.fallback = null;
		if (this.phase == Phase.STANDBY && this.viewCurrent && this.view.active().isEmpty()) {
			logger.info("serverName: " + this.serverName + " no successor claimed the ACTIVE key within "
					+ this.lease.ttl().toSeconds() + "s; competing");
			claim();
		}
	}

	private void claim() {
		if (!this.session.isValid(this.lease)) {
			return;
		}
		cancel(this.fallback);
		this.fallback = null;
		this.phase = Phase.CLAIMING;
		SessionLease lease = this.lease;
		PutOption withLease = PutOption.builder().withLeaseId(lease.leaseId()).build();
		EtcdCalls.bounded(this.kv.txn()
			.If(new Cmp(this.activeKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
			.Then(Op.put(this.activeKey, SessionCodec.encode(ownSession()), withLease))
			.Else(Op.get(this.activeKey, GetOption.DEFAULT))
			.commit(), this.requestTimeout)
			.whenCompleteAsync((response, failure) -> claimed(lease, response, failure), this.executor);
	}

	private void claimed(SessionLease lease, TxnResponse response, Throwable failure) {
		if (lease != this.lease || this.phase != Phase.CLAIMING) {
			return;
		}
		this.phase = Phase.STANDBY;
		if (failure != null && EtcdCalls.isLeaseNotFound(failure)) {
			this.session.leaseNotFound(lease);
			return;
		}
		if (failure != null) {
			// The claim may or may not have been applied: read the truth again.
			logger.warn("Claim of role " + this.name + " got no answer (" + EtcdCalls.describe(failure)
					+ "); reading the keys again");
			retryLater(this::sync);
			return;
		}
		if (response.isSucceeded()) {
			long term = response.getHeader().getRevision();
			this.view.claimed(term, lease.leaseId(), ownSession());
			becomeActive(term);
			return;
		}
		response.getGetResponses().forEach((get) -> get.getKvs().forEach(this.view::observe));
		viewChanged();
	}

	private void becomeActive(long term) {
		this.phase = Phase.ACTIVE;
		this.term = term;
		boolean wasStandby = this.announced == RoleState.STANDBY;
		logger.info("register ACTIVE service successfully, serverName: " + this.serverName + ", ServerID="
				+ this.lease.serverId() + ", term=" + term);
		if (wasStandby) {
			logger.info("serverName: " + this.serverName + " quit STANDBY mode, this node will become ACTIVE");
		}
		announce(RoleState.ACTIVE, TransitionReason.ELECTED, this.lease.serverId(), this.identity.address());
		if (this.activeGoneAt != 0) {
			this.observer.tookOver(this.name, Duration.ofNanos(this.clock.getAsLong() - this.activeGoneAt));
			this.activeGoneAt = 0;
		}
	}

	private void activationFailed(long term, Throwable failure) {
		if (this.phase != Phase.ACTIVE || this.term != term) {
			return;
		}
		logger.error("A BecameActiveEvent listener for role " + this.name + " failed, so this node cannot serve it;"
				+ " giving the role up to another candidate (this node competes again in "
				+ this.lease.ttl().toSeconds() + "s)", failure);
		this.holdOffUntil = this.clock.getAsLong() + this.lease.ttl().toNanos();
		resign(TransitionReason.ACTIVATION_FAILED, (ignored) -> {
		});
	}

	/**
	 * Gives the role up: deletes the ACTIVE key if it is still ours and rewrites our
	 * session, which puts this node at the back of the successor queue. Both in one
	 * transaction, so standbys see them at one revision.
	 */
	private void resign(TransitionReason reason, Consumer<Throwable> done) {
		long resignedTerm = this.term;
		this.relinquishedTerm = resignedTerm;
		this.phase = Phase.RESIGNING;
		announce(RoleState.STANDBY, reason, null, null);
		this.observer.releasing(this.name);
		SessionLease lease = this.lease;
		PutOption withLease = PutOption.builder().withLeaseId(lease.leaseId()).build();
		EtcdCalls.bounded(this.kv.txn()
			.If(new Cmp(this.activeKey, Cmp.Op.EQUAL, CmpTarget.createRevision(resignedTerm)))
			.Then(Op.delete(this.activeKey, DeleteOption.DEFAULT),
					Op.put(sessionKeyBytes(), SessionCodec.encode(ownSession()), withLease))
			.commit(), this.requestTimeout)
			.whenCompleteAsync((response, failure) -> {
				resigned(lease, response, failure);
				done.accept(failure);
			}, this.executor);
	}

	/**
	 * Deletes an ACTIVE key of a term this node no longer serves, if it still exists.
	 */
	private void release(long staleTerm, String why) {
		if (this.releasingTerm == staleTerm) {
			return;
		}
		this.releasingTerm = staleTerm;
		logger.info("serverName: " + this.serverName + " releases the ACTIVE key of term " + staleTerm + ", " + why);
		EtcdCalls.bounded(this.kv.txn()
			.If(new Cmp(this.activeKey, Cmp.Op.EQUAL, CmpTarget.createRevision(staleTerm)))
			.Then(Op.delete(this.activeKey, DeleteOption.DEFAULT))
			.commit(), this.requestTimeout)
			.whenCompleteAsync((response, failure) -> {
				this.releasingTerm = 0;
				if (failure == null && response.isSucceeded()) {
					this.view.activeDeleted(response.getHeader().getRevision());
				}
				viewChanged();
			}, this.executor);
	}

	private void resigned(SessionLease lease, TxnResponse response, Throwable failure) {
		if (lease != this.lease || this.phase != Phase.RESIGNING) {
			return;
		}
		this.phase = Phase.STANDBY;
		if (failure != null) {
			logger.warn("Resigning role " + this.name + " got no answer (" + EtcdCalls.describe(failure)
					+ "); reading the keys again");
			retryLater(this::sync);
			return;
		}
		if (response.isSucceeded()) {
			long revision = response.getHeader().getRevision();
			this.view.activeDeleted(revision);
			this.view.sessionWritten(sessionKey(), lease.serverId(), revision, lease.leaseId(),
					Optional.of(ownSession()));
		}
		viewChanged();
	}

	/**
	 * Sets the published status and, when the state changes, publishes the event.
	 */
	private void announce(RoleState state, TransitionReason reason, Long activeServerId, String activeAddress) {
		Instant since = (state == this.published.status().state() && this.announced != null)
				? this.published.status().since() : Instant.now();
		FencingToken token = (state == RoleState.ACTIVE) ? new FencingToken(this.name, this.term) : null;
		RoleStatus status = new RoleStatus(this.name, state, reason, serverId(),
				(activeServerId != null) ? activeServerId : 0, activeAddress, token, since);
		long previousActive = this.published.status().activeServerId();
		this.published = new Published(status, (state == RoleState.ACTIVE) ? this.lease : null);
		if (state == this.announced) {
			if (state == RoleState.STANDBY && status.activeServerId() != previousActive
					&& status.activeServerId() != 0) {
				logStandby();
			}
			return;
		}
		this.observer.transitioned(this.name, this.announced, state, reason);
		this.announced = state;
		if (state == RoleState.ACTIVE) {
			long activeTerm = this.term;
			long wonAt = this.clock.getAsLong();
			this.publisher.publishActive(new BecameActiveEvent(this.eventSource, status),
					() -> this.observer.activated(this.name, Duration.ofNanos(this.clock.getAsLong() - wonAt), true),
					(ex) -> {
						this.observer.activated(this.name, Duration.ofNanos(this.clock.getAsLong() - wonAt), false);
						post(() -> activationFailed(activeTerm, ex));
					});
		}
		else {
			this.publisher.publish(new BecameStandbyEvent(this.eventSource, status));
			logStandby();
		}
	}

	private void logStandby() {
		RoleStatus status = status();
		if (status.isActive() || this.phase == Phase.STOPPED) {
			return;
		}
		String active = (status.activeServerId() != 0)
				? "active: serverId " + status.activeServerId() + " at " + status.activeAddress()
				: "no active node known, " + status.reason();
		logger.info("serverName: " + this.serverName + " is in STANDBY ... (" + active + ")");
	}

	private void retryLater(Runnable action) {
		SessionLease lease = this.lease;
		cancel(this.retry);
		this.retry = this.executor.schedule(() -> {
			if (lease == this.lease && this.phase != Phase.STOPPED) {
				action.run();
			}
		}, this.retryDelay.toMillis(), TimeUnit.MILLISECONDS);
		Duration doubled = this.retryDelay.multipliedBy(2);
		this.retryDelay = (doubled.compareTo(MAX_RETRY_DELAY) > 0) ? MAX_RETRY_DELAY : doubled;
	}

	private void stopWatching() {
		this.viewCurrent = false;
		this.watchGeneration++;
		if (this.watcher != null) {
			this.watcher.close();
			this.watcher = null;
		}
	}

	private void cancelTimers() {
		cancel(this.fallback);
		cancel(this.retry);
		this.fallback = null;
		this.retry = null;
	}

	private static void cancel(ScheduledFuture<?> future) {
		if (future != null) {
			future.cancel(false);
		}
	}

	private RoleStatus status(RoleState state, TransitionReason reason, Long activeServerId, String activeAddress) {
		return new RoleStatus(this.name, state, reason, serverId(), (activeServerId != null) ? activeServerId : 0,
				activeAddress, null, Instant.now());
	}

	private long serverId() {
		return (this.lease != null) ? this.lease.serverId() : this.session.serverId();
	}

	private String sessionKey() {
		return this.keys.sessionKey(this.serverName, this.lease.serverId());
	}

	private ByteSequence sessionKeyBytes() {
		return EtcdCalls.bytes(sessionKey());
	}

	private SessionInfo ownSession() {
		return SessionInfo.of(this.lease.serverId(), this.serverName, this.identity.address(),
				this.identity.version(), this.lease.leaseId(), this.identity.hostName(),
				this.lease.openedAt().toString());
	}

}
