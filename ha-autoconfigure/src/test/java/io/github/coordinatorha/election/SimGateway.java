package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.election.SimEtcd.Availability;
import io.github.coordinatorha.election.SimEtcd.KeepAliveReply;
import io.github.coordinatorha.election.SimEtcd.ServerWatch;
import org.jspecify.annotations.Nullable;

/**
 * One simulated node's connection to {@link SimEtcd}: the {@link EtcdGateway} its engine
 * runs on, with the network in between, the faults of {@link SimFaults} drawn from the
 * world's random source, and what jetcd 0.8.7 over grpc-java does when the connection
 * goes (measured against a real etcd; see {@code EtcdModelConformanceTests}).
 * <p>
 * A request travels to etcd (one latency), is carried out there at once, and its answer
 * travels back (another). A request lost on the way, an answer lost after etcd carried
 * the request out, or an answer slower than the request timeout all end in
 * {@code NO_ANSWER} when the node's timer fires. Futures complete on the process's I/O
 * lane, as on jetcd's event loop: never while the process is paused, never after it
 * crashed. Timeouts count on the process's clock. A message under way when a fault starts
 * still arrives.
 * <p>
 * The connection: when etcd stops, or the node is cut off with {@link Cut#REFUSED}, the
 * channel breaks (watches end {@code FAILED}) and reconnects only when gRPC's backoff
 * next tries (1 s, then 1.6 times longer each time, +-20%, at most 120 s), so a node can
 * stay away for a while after etcd is back. While it is away, a transaction, keepalive or
 * watch fails at once ({@code FAILED}); a read, grant or revoke is retried by jetcd after
 * 0.5 s and 1 s more before it fails. Cut off with {@link Cut#SILENT}, packets vanish:
 * calls time out, watches fall silent and end only when gRPC's keepalive gives up
 * ({@link SimFaults#silentStreamTimeoutNanos()}); reconnected before that, they catch up
 * as TCP would. A stalled member ({@link SimEtcd#stallLeader()}) hangs everything but
 * keepalives. A member that knows it has no leader ({@link SimEtcd#isolate(int)}) fails
 * every call and every new watch at once, UNAVAILABLE, as it does for jetcd's
 * {@code hasleader} calls; jetcd retries what it retries on UNAVAILABLE. A channel that
 * broke fails calls even while the network is cut silently (its connection attempts are
 * what time out then).
 * <p>
 * One gateway is one connection to one member: {@link SimChannel} puts one per member
 * behind grpc's round-robin, and a retry goes where the channel picks
 * ({@link #picker(Picker)}).
 */
final class SimGateway implements EtcdGateway {

	private static final String ENDPOINTS = "sim://etcd";

	private static final long INITIAL_BACKOFF = 1_000_000_000L;

	private static final double BACKOFF_MULTIPLIER = 1.6;

	private static final double BACKOFF_JITTER = 0.2;

	private static final long MAX_BACKOFF = 120_000_000_000L;

	private static final long RETRY_DELAY = 500_000_000L;

	private static final int RETRIES = 2;

	private final SimProcess process;

	private final SimEtcd etcd;

	private final SimWorld world;

	private final Random random;

	private final SimLane io;

	private final long requestTimeoutNanos;

	private final int member;

	private final String name;

	private final List<GatewayWatch> watches = new ArrayList<>();

	private final Stats stats = new Stats();

	private SimFaults faults;

	private Cut cut = Cut.NONE;

	private long cutGeneration;

	private boolean connected = true;

	private long backoffNanos;

	private Picker picker = () -> this;

	/**
	 * A fault-free connection to member {@code 0}.
	 * @param process the node's process
	 * @param etcd the cluster
	 * @param requestTimeout the node's request timeout, on its clock
	 */
	SimGateway(SimProcess process, SimEtcd etcd, Duration requestTimeout) {
		this(process, etcd, requestTimeout, 0, SimFaults.none());
	}

	/**
	 * A connection.
	 * @param process the node's process
	 * @param etcd the cluster
	 * @param requestTimeout the node's request timeout, on its clock
	 * @param member the member it talks to
	 * @param faults its faults, which {@link #faults(SimFaults)} can change
	 */
	SimGateway(SimProcess process, SimEtcd etcd, Duration requestTimeout, int member, SimFaults faults) {
		if (member < 0 || member >= etcd.members()) {
			throw new IllegalArgumentException("etcd has members 0 to " + (etcd.members() - 1) + ", not " + member);
		}
		this.process = process;
		this.etcd = etcd;
		this.world = process.world();
		this.random = this.world.random();
		this.io = process.lane("etcd-io");
		this.requestTimeoutNanos = requestTimeout.toNanos();
		this.member = member;
		this.name = process.name() + "/etcd" + ((etcd.members() > 1) ? Integer.toString(member) : "");
		this.faults = faults;
		this.connected = etcd.serving();
		if (!this.connected) {
			this.backoffNanos = INITIAL_BACKOFF;
			scheduleConnect();
		}
		Runnable stopped = this::etcdStopped;
		etcd.onStop(stopped);
		process.onCrash(() -> {
			etcd.removeStopListener(stopped);
			processCrashed();
		});
	}

	SimFaults faults() {
		return this.faults;
	}

	/**
	 * Where jetcd sends a retry of a call that failed UNAVAILABLE here: the channel's
	 * next pick.
	 * @param picker the channel's picker
	 */
	void picker(Picker picker) {
		this.picker = picker;
	}

	/**
	 * Changes the faults from now on.
	 * @param faults the faults
	 */
	void faults(SimFaults faults) {
		this.faults = faults;
	}

	Cut cut() {
		return this.cut;
	}

	int member() {
		return this.member;
	}

	/**
	 * Whether the channel is connected (it may still be cut off silently).
	 * @return {@code false} from a break until gRPC's next successful attempt
	 */
	boolean connected() {
		return this.connected;
	}

	/**
	 * What this connection did so far.
	 * @return the counters
	 */
	Stats stats() {
		return this.stats;
	}

	/**
	 * How many watches are open (not closed, not ended).
	 * @return the count
	 */
	int openWatches() {
		return this.watches.size();
	}

	/**
	 * Whether a watch of this connection that etcd serves starts at the key.
	 * @param key the key
	 * @return {@code true} if one does
	 */
	boolean watches(String key) {
		return this.watches.stream()
			.anyMatch((watch) -> watch.server != null && watch.server.watches(key) && !watch.over());
	}

	/**
	 * Cuts the node off from etcd until {@link #reconnect()}.
	 * @param how how the cut shows
	 */
	void cutOff(Cut how) {
		if (how == Cut.NONE) {
			reconnect();
			return;
		}
		this.cut = how;
		long generation = ++this.cutGeneration;
		this.world.trace(this.name, (how == Cut.REFUSED) ? "cut off (refused)" : "cut off (silent)");
		if (how == Cut.REFUSED) {
			disconnect(unreachable("no route to host"));
			return;
		}
		for (GatewayWatch watch : List.copyOf(this.watches)) {
			watch.silence();
		}
		this.world.schedule(this.faults.silentStreamTimeoutNanos(), () -> {
			if (this.cut == Cut.SILENT && this.cutGeneration == generation) {
				this.world.trace(this.name, "gRPC keepalive gave up on the silent connection");
				disconnect(unreachable("keepalive timed out"));
			}
		});
	}

	/**
	 * Ends a cut. A channel that did not break (a silent cut shorter than gRPC's
	 * keepalive) goes on, and its watches catch up; a broken one waits for gRPC's next
	 * attempt.
	 */
	void reconnect() {
		if (this.cut == Cut.NONE) {
			return;
		}
		this.cut = Cut.NONE;
		this.cutGeneration++;
		this.world.trace(this.name, "network back");
		if (this.connected) {
			for (GatewayWatch watch : List.copyOf(this.watches)) {
				watch.unsilence();
			}
		}
	}

	/**
	 * Makes every open watch's server-side watcher fall behind for a while.
	 * @param worldNanos for how long
	 */
	void lagWatches(long worldNanos) {
		for (GatewayWatch watch : this.watches) {
			if (watch.server != null) {
				watch.server.lag(worldNanos);
			}
		}
	}

	/**
	 * Breaks every open watch stream now.
	 */
	void breakWatches() {
		for (GatewayWatch watch : List.copyOf(this.watches)) {
			watch.breakStream();
		}
	}

	// ---------------------------------------------------------------- EtcdGateway

	@Override
	public CompletableFuture<Range> get(String key, @Nullable String rangeEnd) {
		return send("get", this.requestTimeoutNanos, true,
				(call, member) -> call.reply(this.etcd.range(member, key, rangeEnd)));
	}

	@Override
	public CompletableFuture<TxnResult> txn(Txn txn) {
		return send("txn", this.requestTimeoutNanos, false, (call, member) -> call.reply(this.etcd.txn(member, txn)));
	}

	@Override
	public CompletableFuture<LeaseGrant> grant(long ttlSeconds) {
		return send("grant", this.requestTimeoutNanos, true,
				(call, member) -> call.reply(this.etcd.grant(member, ttlSeconds)));
	}

	@Override
	public CompletableFuture<LeaseRenewal> keepAliveOnce(long leaseId, Duration timeout) {
		return send("keepalive", timeout.toNanos(), false, new KeepAlive(leaseId));
	}

	@Override
	public CompletableFuture<Header> revoke(long leaseId) {
		return send("revoke", this.requestTimeoutNanos, true,
				(call, member) -> call.reply(this.etcd.revoke(member, leaseId)));
	}

	@Override
	public Watching watch(String key, String rangeEnd, long fromRevision, WatchListener listener) {
		GatewayWatch watch = new GatewayWatch(listener);
		if (this.process.crashed()) {
			return watch;
		}
		this.watches.add(watch);
		this.stats.watches++;
		if (!this.connected) {
			watch.fail(unreachable("connection refused"));
			return watch;
		}
		if (this.cut == Cut.SILENT) {
			// The request waits in the void with the others, until the keepalive gives
			// up.
			watch.pendingCreate = () -> open(watch, key, rangeEnd, fromRevision, this.etcd.incarnation());
			return watch;
		}
		long incarnation = this.etcd.incarnation();
		this.world.schedule(latency(), () -> open(watch, key, rangeEnd, fromRevision, incarnation));
		return watch;
	}

	private void open(GatewayWatch watch, String key, String rangeEnd, long fromRevision, long incarnation) {
		if (watch.over()) {
			return;
		}
		if (this.etcd.availability(this.member) == Availability.REFUSING || this.etcd.incarnation() != incarnation) {
			watch.fail(unreachable("connection reset"));
			return;
		}
		watch.server = this.etcd.watch(this.member, key, rangeEnd, fromRevision, watch);
		if (this.cut == Cut.SILENT && !watch.over()) {
			watch.server.hold();
		}
		long mean = this.faults.watchBreakMeanNanos();
		if (mean > 0 && !watch.over()) {
			long after = (long) (-mean * Math.log(1 - this.random.nextDouble()));
			watch.breaker = this.world.schedule(after, watch::breakStream);
		}
	}

	// ---------------------------------------------------------------- the channel

	private void etcdStopped() {
		if (!this.process.crashed()) {
			disconnect(unreachable("connection refused"));
		}
	}

	private void disconnect(EtcdFailure failure) {
		for (GatewayWatch watch : List.copyOf(this.watches)) {
			watch.fail(failure);
		}
		if (this.connected) {
			this.connected = false;
			this.backoffNanos = INITIAL_BACKOFF;
			this.world.trace(this.name, "channel broke");
			scheduleConnect();
		}
	}

	private void scheduleConnect() {
		double jitter = 1 + BACKOFF_JITTER * (2 * this.random.nextDouble() - 1);
		this.world.schedule((long) (this.backoffNanos * jitter), this::connect);
	}

	private void connect() {
		if (this.process.crashed() || this.connected) {
			return;
		}
		if (this.cut == Cut.NONE && this.etcd.serving()) {
			this.connected = true;
			this.world.trace(this.name, "channel connected");
			return;
		}
		this.backoffNanos = Math.min(MAX_BACKOFF, (long) (this.backoffNanos * BACKOFF_MULTIPLIER));
		scheduleConnect();
	}

	private void processCrashed() {
		for (GatewayWatch watch : List.copyOf(this.watches)) {
			watch.close();
		}
	}

	// ---------------------------------------------------------------- requests

	private <T> CompletableFuture<T> send(String what, long timeoutNanos, boolean retried, Server<T> server) {
		Call<T> call = new Call<>(what, server, retried);
		if (this.process.crashed()) {
			return call.future;
		}
		this.stats.requests++;
		call.timeout = this.io.schedule(call::timedOut, timeoutNanos);
		call.attempt();
		return call.future;
	}

	private void lost(Call<?> call, String why) {
		this.stats.lost++;
		if (this.world.tracing()) {
			this.world.trace(this.name, why, call.what);
		}
	}

	private long latency() {
		return this.faults.latency().sample(this.random);
	}

	private EtcdFailure unreachable(String why) {
		return new EtcdFailure(EtcdFailure.Kind.FAILED, "etcd at " + ENDPOINTS + " cannot be reached (UNAVAILABLE: "
				+ why + "): check that etcd runs there and that ha.etcd.endpoints names it");
	}

	private EtcdFailure noAnswer() {
		return new EtcdFailure(EtcdFailure.Kind.NO_ANSWER,
				"etcd at " + ENDPOINTS + " did not answer in time (ha.etcd.request-timeout)");
	}

	/**
	 * What a request does on the server, once it arrives.
	 */
	@FunctionalInterface
	private interface Server<T> {

		void serve(Call<T> call, int member);

		/** Whether a stalled member still serves it (its lessor does keepalives). */
		default boolean servedWhileStalled() {
			return false;
		}

	}

	private final class KeepAlive implements Server<LeaseRenewal> {

		private final long leaseId;

		KeepAlive(long leaseId) {
			this.leaseId = leaseId;
		}

		@Override
		public void serve(Call<LeaseRenewal> call, int member) {
			SimGateway.this.etcd.keepAlive(member, this.leaseId, call);
		}

		@Override
		public boolean servedWhileStalled() {
			return true;
		}

	}

	/**
	 * One request, from the node's send to its answer or timeout.
	 */
	private final class Call<T> implements KeepAliveReply {

		final String what;

		final Server<T> server;

		final CompletableFuture<T> future = new CompletableFuture<>();

		/** Whether jetcd retries it on UNAVAILABLE (reads, grants, revokes). */
		final boolean retried;

		int retriesLeft = RETRIES;

		long retryDelay = RETRY_DELAY;

		long incarnation;

		/** The connection this attempt goes over. */
		SimGateway via = SimGateway.this;

		SimWorld.@Nullable Event timeout;

		Call(String what, Server<T> server, boolean retried) {
			this.what = what;
			this.server = server;
			this.retried = retried;
		}

		/**
		 * The client sends the request (again, when jetcd retries it, where the channel
		 * picks).
		 */
		void attempt() {
			if (this.future.isDone()) {
				return;
			}
			SimGateway gateway = this.via;
			if (!gateway.connected) {
				unavailable(unreachable("connection refused"));
			}
			else if (gateway.cut == Cut.SILENT) {
				lost(this, "request lost (cut off)");
			}
			else if (gateway.faults.requestLoss() > 0 && gateway.random.nextDouble() < gateway.faults.requestLoss()) {
				lost(this, "request lost");
			}
			else {
				this.incarnation = gateway.etcd.incarnation();
				gateway.world.schedule(gateway.latency(), this::arrive);
			}
		}

		void arrive() {
			SimGateway gateway = this.via;
			Availability availability = gateway.etcd.availability(gateway.member);
			if (availability == Availability.REFUSING || gateway.etcd.incarnation() != this.incarnation) {
				// The connection broke under the request: gRPC reports UNAVAILABLE.
				SimGateway.this.io.scheduleWorld(() -> unavailable(unreachable("connection reset")), gateway.latency());
				return;
			}
			if (availability == Availability.NO_LEADER) {
				SimGateway.this.io.scheduleWorld(() -> unavailable(SimEtcd.noLeader()), gateway.latency());
				return;
			}
			if (availability == Availability.HANGING && !this.server.servedWhileStalled()) {
				lost(this, "request hangs on the stalled member");
				return;
			}
			try {
				this.server.serve(this, gateway.member);
			}
			catch (EtcdFailure failure) {
				answerLater(null, failure);
			}
		}

		/** UNAVAILABLE: jetcd retries what is safe to redo, else the call fails. */
		private void unavailable(EtcdFailure failure) {
			if (this.future.isDone()) {
				return;
			}
			if (this.retried && this.retriesLeft > 0) {
				this.retriesLeft--;
				long delay = this.retryDelay;
				this.retryDelay *= 2;
				SimGateway.this.io.schedule(() -> {
					this.via = SimGateway.this.picker.pick();
					attempt();
				}, delay);
				return;
			}
			SimGateway.this.io.execute(() -> settle(null, failure));
		}

		void reply(T value) {
			answerLater(value, null);
		}

		@Override
		@SuppressWarnings("unchecked")
		public void answered(LeaseRenewal renewal) {
			// jetcd's keepAliveOnce turns etcd's TTL 0 into "requested lease not found".
			if (renewal.ttlSeconds() == 0) {
				answerLater(null, new EtcdFailure(EtcdFailure.Kind.LEASE_NOT_FOUND, "etcd no longer knows the lease"));
			}
			else {
				answerLater((T) renewal, null);
			}
		}

		@Override
		public void failed(EtcdFailure failure) {
			SimGateway.this.io.scheduleWorld(() -> unavailable(failure), this.via.latency());
		}

		/** The server sends an answer back, which the network may lose. */
		void answerLater(@Nullable T value, @Nullable EtcdFailure failure) {
			SimGateway gateway = this.via;
			if (gateway.cut == Cut.SILENT) {
				lost(this, "answer lost (cut off)");
				return;
			}
			if (gateway.cut == Cut.REFUSED) {
				SimGateway.this.io.execute(() -> unavailable(unreachable("connection reset")));
				return;
			}
			if (gateway.faults.answerLoss() > 0 && gateway.random.nextDouble() < gateway.faults.answerLoss()) {
				lost(this, "answer lost");
				return;
			}
			SimGateway.this.io.scheduleWorld(() -> settle(value, failure), gateway.latency());
		}

		void timedOut() {
			this.timeout = null;
			if (!this.future.isDone()) {
				SimGateway.this.stats.timeouts++;
				if (SimGateway.this.world.tracing()) {
					SimGateway.this.world.trace(SimGateway.this.name, "no answer in time", this.what);
				}
				this.future.completeExceptionally(noAnswer());
			}
		}

		private void settle(@Nullable T value, @Nullable EtcdFailure failure) {
			if (this.future.isDone()) {
				return;
			}
			if (this.timeout != null) {
				this.timeout.cancel();
				this.timeout = null;
			}
			if (failure != null) {
				this.future.completeExceptionally(failure);
			}
			else {
				if (value instanceof LeaseRenewal renewal && SimGateway.this.world.tracing()) {
					SimGateway.this.world.trace(this.via.name, "keepalive answered, raft term",
							renewal.header().raftTerm());
				}
				this.future.complete(value);
			}
		}

	}

	/**
	 * One watch: the server side's responses carried over the network in order.
	 */
	private final class GatewayWatch implements Watching, SimEtcd.WatchSink {

		private final WatchListener listener;

		@Nullable ServerWatch server;

		SimWorld.@Nullable Event breaker;

		@Nullable Runnable pendingCreate;

		private long lastDelivery;

		/** Closed by the node. */
		private boolean closed;

		/** The end is decided (sent or on its way): nothing more is accepted. */
		private boolean ending;

		/** The stream broke: what is under way is lost. */
		private boolean broken;

		GatewayWatch(WatchListener listener) {
			this.listener = listener;
		}

		boolean over() {
			return this.closed || this.ending;
		}

		@Override
		public void events(Header header, List<WatchEvent> events) {
			if (over()) {
				return;
			}
			SimGateway gateway = SimGateway.this;
			long at = Math.max(gateway.world.now() + latency(), this.lastDelivery);
			this.lastDelivery = at;
			gateway.io.scheduleWorld(() -> {
				if (!this.closed && !this.broken) {
					this.listener.onEvents(header, events);
				}
			}, at - gateway.world.now());
			SimFaults faults = gateway.faults;
			if (faults.watchLag() > 0 && gateway.random.nextDouble() < faults.watchLag() && this.server != null) {
				long lag = 1 + (long) (gateway.random.nextDouble() * faults.watchLagMaxNanos());
				if (gateway.world.tracing()) {
					gateway.world.trace(gateway.name, "watch lags (ns)", lag);
				}
				this.server.lag(lag);
			}
		}

		@Override
		public void ended(EtcdFailure failure) {
			if (over()) {
				return;
			}
			end(failure, Math.max(SimGateway.this.world.now() + latency(), this.lastDelivery));
		}

		/** The client sees the stream fail now; whatever was under way is lost. */
		void fail(EtcdFailure failure) {
			if (over()) {
				return;
			}
			this.broken = true;
			if (this.server != null) {
				this.server.cancel();
			}
			end(failure, SimGateway.this.world.now());
		}

		void breakStream() {
			if (!over()) {
				SimGateway.this.world.trace(SimGateway.this.name, "watch stream broke");
				fail(unreachable("the watch stream broke"));
			}
		}

		void silence() {
			if (this.server != null) {
				this.server.hold();
			}
		}

		void unsilence() {
			if (over()) {
				return;
			}
			if (this.pendingCreate != null) {
				Runnable create = this.pendingCreate;
				this.pendingCreate = null;
				SimGateway.this.world.schedule(latency(), create);
			}
			else if (this.server != null) {
				this.server.release();
			}
		}

		private void end(EtcdFailure failure, long at) {
			this.ending = true;
			forget();
			SimGateway gateway = SimGateway.this;
			gateway.io.scheduleWorld(() -> {
				if (!this.closed) {
					this.listener.onEnded(failure);
				}
			}, at - gateway.world.now());
		}

		@Override
		public void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.server != null) {
				this.server.cancel();
			}
			forget();
		}

		private void forget() {
			this.pendingCreate = null;
			if (this.breaker != null) {
				this.breaker.cancel();
				this.breaker = null;
			}
			SimGateway.this.watches.remove(this);
		}

	}

	/**
	 * Picks the connection for a call, as the channel's load balancer does.
	 */
	@FunctionalInterface
	interface Picker {

		SimGateway pick();

	}

	/**
	 * How a node is cut off from etcd.
	 */
	enum Cut {

		/** Not cut off. */
		NONE,

		/** No route: the channel breaks, calls fail, watches end. */
		REFUSED,

		/** Packets vanish: calls time out, watches fall silent until gRPC gives up. */
		SILENT

	}

	/**
	 * What a connection did: requests sent, lost (on the way or their answer), timed out,
	 * watches opened.
	 */
	static final class Stats {

		long requests;

		long lost;

		long timeouts;

		long watches;

		@Override
		public String toString() {
			return this.requests + " requests (" + this.lost + " lost, " + this.timeouts + " timed out), "
					+ this.watches + " watches";
		}

	}

}
