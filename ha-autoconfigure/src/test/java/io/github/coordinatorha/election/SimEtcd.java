package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.LeaseGrant;
import io.github.coordinatorha.election.EtcdGateway.LeaseRenewal;
import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Range;
import io.github.coordinatorha.election.EtcdGateway.Txn;
import io.github.coordinatorha.election.EtcdGateway.TxnResult;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory model of one etcd cluster on simulated time, for exactly the operations of
 * {@link EtcdGateway}, as etcd 3.4.23 carries them out (its sources, and
 * {@code EtcdModelConformanceTests} against a real etcd):
 * <ul>
 * <li>one revision for the whole store, starting at {@code 1}; a write that changes
 * nothing (a delete of an absent key) does not advance it;</li>
 * <li>keys with create revision, mod revision, version and lease, in UTF-8 byte
 * order;</li>
 * <li>transactions: an absent key compares as create = mod = version = lease = 0, and
 * every {@code VALUE} comparison on it fails, {@code NOT_EQUAL} too; a put under an
 * unknown lease in the branch that runs fails the whole transaction with
 * {@code LEASE_NOT_FOUND}; reads see the transaction's earlier writes; puts and deletes
 * of one key in one branch are refused, as etcd refuses them;</li>
 * <li>leases: a TTL raised to the minimum ceil(1.5 x election timeout); expiry found by
 * the lessor's loop every 500 ms, so a lease dies up to 500 ms after its deadline and a
 * keepalive that arrives in between waits for the revocation and then finds the lease
 * gone; revocation deletes the lease's keys at one revision, in key order, and advances
 * nothing when it has none; a keepalive of an unknown lease answers TTL 0;</li>
 * <li>watches from a revision, delivered in revision order, one response per revision for
 * a watcher that keeps up and one for everything it missed when it catches up; a watch
 * from below the compaction revision ends {@code COMPACTED}, and a compaction keeps the
 * puts at its revision but not the deletions;</li>
 * <li>operator faults: {@link #stop()} and {@link #start()} (a new leader refreshes every
 * lease to TTL + election timeout, as etcd's {@code Promote} does; every watch ends),
 * {@link #wipe()}, {@link #snapshot()} and {@link #restore(Snapshot)} (state and revision
 * go back), etcd#15247, a stalled leader ({@link #stallLeader()}), and a member cut off
 * from the majority ({@link #isolate(int)}): after an election timeout it knows it has no
 * leader and refuses requests and new streams with "no leader" and, after three more
 * checks of its leader monitor, ends the streams it serves, as etcd does for calls with
 * {@code hasleader} metadata (every call of the starter's client; see
 * {@link #watchesRequireLeader(boolean)} for watches without it);</li>
 * </ul>
 * Calls are served at once, on the world's thread; {@link SimGateway} adds the network.
 * The model leaves out what the engine does not use: ranges in comparisons and deletes,
 * nested transactions, previous values in watch events, progress notifications, lease
 * checkpoints and auth.
 */
final class SimEtcd {

	/** etcd's {@code MaxLeaseTTL}. */
	static final long MAX_LEASE_TTL = 9_000_000_000L;

	/** etcd's default {@code --max-txn-ops}. */
	static final int MAX_TXN_OPS = 128;

	private static final long FOREVER = Long.MAX_VALUE;

	private static final long SECOND = 1_000_000_000L;

	private static final ServerWatch[] NO_WATCHES = new ServerWatch[0];

	/** Keys in etcd's order: by their UTF-8 bytes, which is code point order. */
	static final Comparator<String> KEY_ORDER = SimEtcd::compareKeys;

	private final SimWorld world;

	private final Settings settings;

	private final List<Observer> observers = new ArrayList<>(2);

	private final List<Runnable> stopListeners = new ArrayList<>();

	private final List<ServerWatch> watches = new ArrayList<>();

	private final List<Snapshot> snapshots = new ArrayList<>();

	private final Map<Long, Revoked> recentlyRevoked = new LinkedHashMap<>();

	/** Leases a returning stalled leader revoked while the majority kept them alive. */
	private final Map<Long, Long> revokedAlive = new LinkedHashMap<>();

	private State state = new State();

	private long raftTerm;

	private long clusterId;

	private long[] memberIds;

	private int leader;

	private boolean serving;

	private long tickPhase;

	private @Nullable Stall stall;

	private @Nullable Isolation isolation;

	private boolean watchesRequireLeader = true;

	private long commits;

	private long incarnation;

	/**
	 * A cluster with etcd's default timings ({@link Settings#defaults()}), running.
	 * @param world the world
	 */
	SimEtcd(SimWorld world) {
		this(world, Settings.defaults());
	}

	/**
	 * A new cluster, running.
	 * @param world the world
	 * @param settings its timings and size
	 */
	SimEtcd(SimWorld world, Settings settings) {
		this.world = world;
		this.settings = settings;
		this.memberIds = new long[settings.members()];
		newIdentity();
		this.raftTerm = 1;
		start();
	}

	Settings settings() {
		return this.settings;
	}

	/**
	 * Tells a client's connection when the members stop, as a TCP reset would.
	 * @param listener called after each stop
	 */
	void onStop(Runnable listener) {
		this.stopListeners.add(listener);
	}

	void removeStopListener(Runnable listener) {
		this.stopListeners.remove(listener);
	}

	/**
	 * Registers an observer of every change, for invariants.
	 * @param observer the observer
	 */
	void observe(Observer observer) {
		this.observers.add(observer);
	}

	// ---------------------------------------------------------------- inspection

	long revision() {
		return this.state.revision;
	}

	long compactRevision() {
		return this.state.compactRevision;
	}

	long raftTerm() {
		return this.raftTerm;
	}

	long clusterId() {
		return this.clusterId;
	}

	long memberId(int member) {
		return this.memberIds[member];
	}

	int members() {
		return this.memberIds.length;
	}

	/**
	 * Whether the cluster runs and has a leader.
	 * @return {@code false} between {@link #stop()} and {@link #start()}
	 */
	boolean serving() {
		return this.serving;
	}

	/**
	 * How a member treats a request that reaches it.
	 * @param member the member
	 * @return whether it answers, refuses the connection, or hangs
	 */
	Availability availability(int member) {
		if (!this.serving) {
			return Availability.REFUSING;
		}
		Stall stalled = this.stall;
		if (stalled != null && stalled.member == member) {
			return Availability.HANGING;
		}
		Isolation isolated = this.isolation;
		if (isolated != null) {
			if (isolated.member == member) {
				return (this.world.now() >= isolated.noticedAt) ? Availability.NO_LEADER : Availability.HANGING;
			}
			if (isolated.electing()) {
				// the majority has no leader yet: what reaches it waits for one
				return Availability.HANGING;
			}
		}
		return Availability.SERVING;
	}

	/**
	 * Whether watches ask for a leader ({@code hasleader}), as the starter's client does
	 * on every call ({@code EtcdClients} sets the header). A watch that does not (jetcd's
	 * default) is neither refused nor ended by a member without a leader: it falls silent
	 * until the member rejoins.
	 * @param requireLeader {@code false} for jetcd's default
	 */
	void watchesRequireLeader(boolean requireLeader) {
		this.watchesRequireLeader = requireLeader;
	}

	/**
	 * The member cut off from the majority now.
	 * @return the member, or {@code -1} if none
	 */
	int isolated() {
		Isolation isolated = this.isolation;
		return (isolated != null) ? isolated.member : -1;
	}

	/**
	 * Whether a stall or an isolation is under way.
	 * @return {@code true} while {@link #stallLeader()} or {@link #isolate(int)} has not
	 * ended
	 */
	boolean sick() {
		return this.stall != null || this.isolation != null;
	}

	int leader() {
		return this.leader;
	}

	/**
	 * Which run of the members this is: it changes whenever they stop, so a connection
	 * made before cannot carry a request to the run after.
	 * @return the run
	 */
	long incarnation() {
		return this.incarnation;
	}

	/**
	 * How many revisions were committed since the cluster was created (across restarts,
	 * wipes and restores): the write rate.
	 * @return the count
	 */
	long commits() {
		return this.commits;
	}

	/**
	 * A key as it is now.
	 * @param key the key
	 * @return the key, or {@code null} if absent
	 */
	@Nullable KeyValue key(String key) {
		return this.state.keys.get(key);
	}

	/**
	 * Every key, in key order.
	 * @return a copy
	 */
	List<KeyValue> keys() {
		return List.copyOf(this.state.keys.values());
	}

	/**
	 * The leases etcd knows (including expired ones the lessor has not revoked yet).
	 * @return their IDs, ascending
	 */
	Set<Long> leases() {
		return Collections.unmodifiableSet(new TreeSet<>(this.state.leases.keySet()));
	}

	/**
	 * When a lease's deadline is, in world time.
	 * @param leaseId the lease
	 * @return the deadline, {@code Long.MAX_VALUE} while the cluster has no leader, or
	 * {@code -1} for an unknown lease
	 */
	long leaseDeadline(long leaseId) {
		Lease lease = this.state.leases.get(leaseId);
		return (lease != null) ? lease.deadline : -1;
	}

	/**
	 * When a stalled leader, back, revoked a lease the majority still kept alive
	 * (etcd#12528).
	 * @param leaseId the lease
	 * @return the time, or {@code Long.MIN_VALUE} if it did not
	 */
	long revokedAliveAt(long leaseId) {
		return this.revokedAlive.getOrDefault(leaseId, Long.MIN_VALUE);
	}

	/**
	 * How many watches run on the server.
	 * @return the count
	 */
	int watchCount() {
		return this.watches.size();
	}

	/**
	 * The snapshots taken, oldest first.
	 * @return the snapshots
	 */
	List<Snapshot> snapshots() {
		return Collections.unmodifiableList(this.snapshots);
	}

	// ---------------------------------------------------------------- requests

	/**
	 * Reads a key or a range, linearizably ({@code rangeEnd} {@code "\0"} reads every key
	 * from {@code key} on).
	 * @param member the member serving the request
	 * @param key the key
	 * @param rangeEnd the end of the range, or {@code null}
	 * @return what was found
	 */
	Range range(int member, String key, @Nullable String rangeEnd) {
		if (key.isEmpty()) {
			throw failed("etcdserver: key is not provided");
		}
		return new Range(header(member), List.copyOf(slice(key, rangeEnd).values()));
	}

	/**
	 * Runs a transaction.
	 * @param member the member serving the request
	 * @param txn the transaction
	 * @return its result
	 * @throws EtcdFailure {@code LEASE_NOT_FOUND} or {@code FAILED}, having changed
	 * nothing
	 */
	TxnResult txn(int member, Txn txn) {
		validate(txn);
		boolean succeeded = true;
		for (Compare compare : txn.when()) {
			if (!holds(compare)) {
				succeeded = false;
				break;
			}
		}
		List<Operation> operations = succeeded ? txn.then() : txn.otherwise();
		if (writes(txn.then()) || writes(txn.otherwise())) {
			for (Operation operation : operations) {
				if (operation instanceof Operation.Put put && put.leaseId() != 0
						&& !this.state.leases.containsKey(put.leaseId())) {
					throw leaseNotFound();
				}
			}
		}
		long next = this.state.revision + 1;
		List<WatchEvent> changes = null;
		List<KeyValue> found = null;
		for (Operation operation : operations) {
			if (operation instanceof Operation.Put put) {
				KeyValue old = this.state.keys.get(put.key());
				KeyValue written = (old != null) ? new KeyValue(put.key(), put.value(), old.createRevision(), next,
						old.version() + 1, put.leaseId())
						: new KeyValue(put.key(), put.value(), next, next, 1, put.leaseId());
				this.state.keys.put(put.key(), written);
				detach(old);
				attach(written);
				changes = add(changes, new WatchEvent(false, written));
			}
			else if (operation instanceof Operation.Delete delete) {
				KeyValue old = this.state.keys.remove(delete.key());
				if (old != null) {
					detach(old);
					changes = add(changes, deletion(delete.key(), next));
				}
			}
			else {
				KeyValue read = this.state.keys.get(((Operation.Get) operation).key());
				if (read != null) {
					found = add(found, read);
				}
			}
		}
		if (changes != null) {
			commit(changes);
		}
		TxnResult result = new TxnResult(header(member), succeeded, (found != null) ? found : List.of());
		for (Observer observer : this.observers) {
			observer.applied(member, txn, result);
		}
		return result;
	}

	/**
	 * Grants a lease, with the TTL raised to the minimum.
	 * @param member the member serving the request
	 * @param ttlSeconds the TTL asked for
	 * @return the lease
	 */
	LeaseGrant grant(int member, long ttlSeconds) {
		if (ttlSeconds > MAX_LEASE_TTL) {
			throw failed("etcdserver: too large lease TTL");
		}
		long ttl = Math.max(ttlSeconds, this.settings.minTtlSeconds());
		long id;
		do {
			id = this.world.random().nextLong() & Long.MAX_VALUE;
		}
		while (id == 0 || this.state.leases.containsKey(id));
		Lease lease = new Lease(id, ttl);
		this.state.leases.put(id, lease);
		lease.deadline = this.world.now() + ttl * SECOND;
		scheduleCheck(lease);
		this.world.trace("etcd", "granted lease", id);
		return new LeaseGrant(header(member), id, ttl);
	}

	/**
	 * Revokes a lease: its keys go at one revision.
	 * @param member the member serving the request
	 * @param leaseId the lease
	 * @return the header, with the revision after the deletion
	 * @throws EtcdFailure {@code LEASE_NOT_FOUND} for an unknown lease
	 */
	Header revoke(int member, long leaseId) {
		Lease lease = this.state.leases.get(leaseId);
		if (lease == null) {
			throw leaseNotFound();
		}
		revoke(lease, "revoked lease");
		return header(member);
	}

	/**
	 * Renews a lease, as etcd's lease stream does: the answer comes at once, or for a
	 * lease past its deadline that the lessor has not revoked yet, once it has (TTL 0),
	 * or never on a stalled member that thinks the lease expired.
	 * @param member the member serving the request
	 * @param leaseId the lease
	 * @param reply where the answer goes
	 */
	void keepAlive(int member, long leaseId, KeepAliveReply reply) {
		Stall stalled = this.stall;
		if (stalled != null && stalled.member == member) {
			if (this.settings.staleLessor()) {
				stalled.keepAlive(leaseId, reply, this.world.now());
			}
			// else: its lessor cannot confirm its leadership; no answer
			return;
		}
		Isolation isolated = this.isolation;
		if (isolated != null && (isolated.member == member || isolated.electing())) {
			if (isolated.member == member && this.world.now() >= isolated.noticedAt) {
				reply.failed(noLeader());
			}
			else if (isolated.member == member && isolated.staleLessor != null && this.settings.staleLessor()) {
				// A leader cut off still renews from its own lessor until it steps down.
				isolated.staleLessor.keepAlive(leaseId, reply, this.world.now());
			}
			// else: forwarded to a leader that cannot be reached; no answer
			return;
		}
		// etcd fills the header before it renews.
		Header header = header(member);
		Lease lease = this.state.leases.get(leaseId);
		if (lease == null) {
			Revoked revoked = this.recentlyRevoked.get(leaseId);
			if (revoked != null && this.world.now() - revoked.at() < this.settings.renewRacesRevokeNanos()) {
				// etcd#20590: a renew racing the revoke still answers with the TTL.
				this.world.trace("etcd", "renewed a lease being revoked (etcd#20590)", leaseId);
				reply.answered(new LeaseRenewal(header, revoked.ttl()));
				return;
			}
			reply.answered(new LeaseRenewal(header, 0));
			return;
		}
		if (lease.deadline <= this.world.now()) {
			lease.waiting = add(lease.waiting, reply);
			return;
		}
		lease.deadline = this.world.now() + lease.ttl * SECOND;
		reply.answered(new LeaseRenewal(header, lease.ttl));
	}

	/**
	 * Starts a watch of {@code [key, rangeEnd)}.
	 * @param member the member serving it
	 * @param key the start of the range
	 * @param rangeEnd its end, {@code "\0"} for no end, or {@code null} for one key
	 * @param fromRevision the first revision to report, {@code 0} for the next one
	 * @param sink where its events go
	 * @return the watch, which may have ended already
	 */
	ServerWatch watch(int member, String key, @Nullable String rangeEnd, long fromRevision, WatchSink sink) {
		ServerWatch watch = new ServerWatch(member, key, rangeEnd, sink);
		if (this.watchesRequireLeader && availability(member) == Availability.NO_LEADER) {
			watch.ended = true;
			sink.ended(noLeader());
			return watch;
		}
		if (fromRevision > 0 && fromRevision < this.state.compactRevision) {
			watch.ended = true;
			sink.ended(new EtcdFailure(EtcdFailure.Kind.COMPACTED, "required revision has been compacted"));
			return watch;
		}
		this.watches.add(watch);
		watch.nextRevision = (fromRevision > 0) ? fromRevision : this.state.revision + 1;
		if (watch.nextRevision <= this.state.revision && !held(watch)) {
			catchUp(watch);
		}
		return watch;
	}

	/**
	 * Compacts the history: watches from below {@code revision} end {@code COMPACTED},
	 * and so do lagging watches that still need it.
	 * @param revision the compaction revision
	 * @throws EtcdFailure as etcd refuses a compaction of a compacted or future revision
	 */
	void compact(long revision) {
		if (revision <= this.state.compactRevision) {
			throw failed("etcdserver: mvcc: required revision has been compacted");
		}
		if (revision > this.state.revision) {
			throw failed("etcdserver: mvcc: required revision is a future revision");
		}
		this.state.compactRevision = revision;
		List<Change> history = this.state.history;
		int keep = firstAt(history, revision);
		history.subList(0, keep).clear();
		// What etcd keeps at the compaction revision is each key's latest version: a
		// deletion there leaves nothing to watch.
		history.removeIf((change) -> change.revision == revision && change.event.deleted());
		this.world.trace("etcd", "compacted at", revision);
	}

	// ---------------------------------------------------------------- faults

	/**
	 * Stops every member: connections are refused, every watch ends, leases stop counting
	 * down (a lessor without a leader expires nothing).
	 */
	void stop() {
		if (!this.serving) {
			return;
		}
		this.serving = false;
		this.incarnation++;
		this.stall = null;
		if (this.isolation != null) {
			this.isolation.cancel();
			this.isolation = null;
		}
		this.world.trace("etcd", "stopped");
		endWatches(new EtcdFailure(EtcdFailure.Kind.FAILED, "etcd closed the stream: the member stopped"));
		for (Lease lease : this.state.leases.values()) {
			demote(lease);
			if (lease.waiting != null) {
				List<KeepAliveReply> waiting = lease.waiting;
				lease.waiting = null;
				waiting.forEach((reply) -> reply.failed(
						new EtcdFailure(EtcdFailure.Kind.FAILED, "etcd closed the lease stream: the member stopped")));
			}
		}
		for (Runnable listener : List.copyOf(this.stopListeners)) {
			listener.run();
		}
	}

	/**
	 * Starts the members with their data: a leader is elected in a new raft term and
	 * refreshes every lease to its TTL plus the election timeout.
	 */
	void start() {
		if (this.serving) {
			return;
		}
		this.serving = true;
		this.raftTerm++;
		this.tickPhase = (this.settings.lessorTickNanos() > 0)
				? Math.floorMod(this.world.random().nextLong(), this.settings.lessorTickNanos()) : 0;
		promote();
		this.world.trace("etcd", "started, raft term", this.raftTerm);
	}

	/**
	 * {@link #stop()}, then {@link #start()}.
	 */
	void restart() {
		stop();
		start();
	}

	/**
	 * Stops the cluster, deletes all its data and starts a new one in its place (new
	 * cluster and member IDs, revision {@code 1}, no leases, no history).
	 */
	void wipe() {
		stop();
		this.state = new State();
		this.recentlyRevoked.clear();
		newIdentity();
		this.raftTerm = 1;
		this.world.trace("etcd", "wiped");
		start();
	}

	/**
	 * Takes a snapshot, as {@code etcdctl snapshot save} does, and keeps it.
	 * @return the snapshot
	 */
	Snapshot snapshot() {
		Snapshot snapshot = new Snapshot(this.world.now(), this.state.copy());
		this.snapshots.add(snapshot);
		if (this.snapshots.size() > 32) {
			this.snapshots.remove(0);
		}
		this.world.trace("etcd", "snapshot at revision", snapshot.revision());
		return snapshot;
	}

	/**
	 * Stops the cluster and starts a new one from a snapshot, as
	 * {@code etcdctl snapshot restore} does: keys, leases, history and revision as they
	 * were, new cluster and member IDs; the leases get a full TTL again.
	 * @param snapshot the snapshot
	 */
	void restore(Snapshot snapshot) {
		stop();
		this.state = snapshot.state.copy();
		this.recentlyRevoked.clear();
		newIdentity();
		this.raftTerm = 1;
		this.world.trace("etcd", "restored the snapshot at revision", snapshot.revision());
		start();
	}

	/**
	 * etcd#15247 on etcd 3.4.23: the leader stalls (in fdatasync, say). The others elect
	 * a new leader in a new term, which refreshes every lease; the stalled member's raft
	 * stops, so every request to it hangs and its watches fall silent, but its lessor
	 * still thinks it is primary: it answers keepalives of the leases it knew, with a TTL
	 * and its old header, and those renewals never reach the new leader.
	 * @return the stalled member
	 * @throws IllegalStateException for a cluster of fewer than three members
	 */
	int stallLeader() {
		if (this.memberIds.length < 3) {
			throw new IllegalStateException(
					"A stalled leader needs a cluster of at least 3 members (Settings.withMembers)");
		}
		if (!this.serving || sick()) {
			throw new IllegalStateException("The cluster must be serving without a stalled leader or a member cut off");
		}
		Stall stalled = new Stall(this.leader,
				new Header(this.state.revision, this.raftTerm, this.memberIds[this.leader], this.clusterId));
		for (Lease lease : this.state.leases.values()) {
			stalled.deadlines.put(lease.id, lease.deadline);
			stalled.ttls.put(lease.id, lease.ttl);
		}
		this.stall = stalled;
		this.leader = (this.leader + 1) % this.memberIds.length;
		this.raftTerm++;
		promote();
		this.world.trace("etcd", "leader stalled, member", stalled.member);
		return stalled.member;
	}

	/**
	 * The stalled member comes back as a follower. As in etcd 3.4.23 (etcd#12528), the
	 * revocations its lessor queued for the leases it thought expired go through, and its
	 * watches catch up.
	 */
	void endStall() {
		Stall stalled = this.stall;
		if (stalled == null) {
			return;
		}
		this.stall = null;
		long now = this.world.now();
		for (Map.Entry<Long, Long> entry : stalled.deadlines.entrySet()) {
			Lease lease = this.state.leases.get(entry.getKey());
			if (lease != null && entry.getValue() <= now && this.settings.staleLessor()) {
				if (lease.deadline > now) {
					this.revokedAlive.put(lease.id, now);
					if (this.revokedAlive.size() > 64) {
						this.revokedAlive.remove(this.revokedAlive.keySet().iterator().next());
					}
				}
				revoke(lease, "revoked by the stalled leader (etcd#12528) lease");
			}
		}
		this.world.trace("etcd", "stalled member back, member", stalled.member);
		for (ServerWatch watch : List.copyOf(this.watches)) {
			if (watch.member == stalled.member && !held(watch)) {
				catchUp(watch);
			}
		}
	}

	/**
	 * Cuts a member off from the others (its peer links fail; clients still reach it). It
	 * goes on as if nothing happened for an election timeout or up to twice that (its
	 * randomized election timer, or for a leader the check-quorum step-down): requests to
	 * it hang, its watches fall silent, and if it led, its lessor still answers
	 * keepalives with its old header, as a stalled leader's does. Then it knows it has no
	 * leader: requests and new streams fail at once with "etcdserver: no leader", and its
	 * leader monitor, which looks every election timeout, ends the streams it serves at
	 * the third look without a leader. If it led, the others have no leader either until
	 * they elect one in a new raft term (after one to two election timeouts), which
	 * refreshes every lease as a new leader does; what reaches them meanwhile waits.
	 * @param member the member
	 * @throws IllegalStateException for a cluster of fewer than three members, or one not
	 * serving, stalled or with a member cut off already
	 */
	void isolate(int member) {
		if (this.memberIds.length < 3) {
			throw new IllegalStateException(
					"A member cut off from the majority needs a cluster of at least 3 members (Settings.withMembers)");
		}
		if (!this.serving || sick()) {
			throw new IllegalStateException("The cluster must be serving without a stalled leader or a member cut off");
		}
		long now = this.world.now();
		long electionTimeout = this.settings.electionTimeoutNanos();
		Isolation isolated = new Isolation(member, now + electionTimeout + uniform(electionTimeout));
		this.isolation = isolated;
		this.world.trace("etcd", "member cut off from the majority", member);
		if (member == this.leader) {
			Stall lessor = new Stall(member, header(member));
			for (Lease lease : this.state.leases.values()) {
				lessor.deadlines.put(lease.id, lease.deadline);
				lessor.ttls.put(lease.id, lease.ttl);
				demote(lease);
			}
			isolated.staleLessor = lessor;
			isolated.newLeaderAt = now + electionTimeout + uniform(electionTimeout);
			isolated.election = this.world.scheduleAt(isolated.newLeaderAt, () -> elect(isolated));
		}
		// The leader monitor looks every election timeout from its own phase; it ends the
		// streams at its third look in a row without a leader.
		long firstLook = isolated.noticedAt + uniform(electionTimeout);
		isolated.monitor = this.world.scheduleAt(firstLook + 2 * electionTimeout, () -> {
			if (this.isolation == isolated && this.watchesRequireLeader) {
				this.world.trace("etcd", "no leader for three looks: the member ends its streams, member", member);
				for (ServerWatch watch : List.copyOf(this.watches)) {
					if (watch.member == member) {
						watch.end(noLeader());
					}
				}
			}
		});
	}

	/**
	 * The member cut off reaches the others again, as a follower: its watches catch up.
	 * If the others had not elected a new leader yet, one is elected now.
	 */
	void rejoin() {
		Isolation isolated = this.isolation;
		if (isolated == null) {
			return;
		}
		if (isolated.electing()) {
			elect(isolated);
		}
		isolated.cancel();
		this.isolation = null;
		this.world.trace("etcd", "member back with the majority, member", isolated.member);
		for (ServerWatch watch : List.copyOf(this.watches)) {
			if (watch.member == isolated.member && !held(watch)) {
				catchUp(watch);
			}
		}
	}

	private void elect(Isolation isolated) {
		if (this.isolation != isolated || !isolated.electing()) {
			return;
		}
		isolated.newLeaderAt = 0;
		isolated.staleLessor = null;
		this.leader = (isolated.member + 1) % this.memberIds.length;
		this.raftTerm++;
		promote();
		this.world.trace("etcd", "the majority elected a new leader, raft term", this.raftTerm);
	}

	private long uniform(long nanos) {
		return (long) (this.world.random().nextDouble() * nanos);
	}

	// ---------------------------------------------------------------- internals

	private void newIdentity() {
		this.clusterId = nonZero();
		for (int i = 0; i < this.memberIds.length; i++) {
			this.memberIds[i] = nonZero();
		}
		this.leader = 0;
	}

	private long nonZero() {
		long id;
		do {
			id = this.world.random().nextLong();
		}
		while (id == 0);
		return id;
	}

	Header header(int member) {
		return new Header(this.state.revision, this.raftTerm, this.memberIds[member], this.clusterId);
	}

	private NavigableMap<String, KeyValue> slice(String key, @Nullable String rangeEnd) {
		if (rangeEnd == null || rangeEnd.isEmpty()) {
			KeyValue one = this.state.keys.get(key);
			TreeMap<String, KeyValue> single = new TreeMap<>(KEY_ORDER);
			if (one != null) {
				single.put(key, one);
			}
			return single;
		}
		if (rangeEnd.equals("\0")) {
			return this.state.keys.tailMap(key, true);
		}
		if (KEY_ORDER.compare(key, rangeEnd) >= 0) {
			return Collections.emptyNavigableMap();
		}
		return this.state.keys.subMap(key, true, rangeEnd, false);
	}

	private void validate(Txn txn) {
		int ops = Math.max(txn.when().size(), Math.max(txn.then().size(), txn.otherwise().size()));
		if (ops > MAX_TXN_OPS) {
			throw failed("etcdserver: too many operations in txn request");
		}
		for (Compare compare : txn.when()) {
			if (compare.key().isEmpty()) {
				throw failed("etcdserver: key is not provided");
			}
		}
		validate(txn.then());
		validate(txn.otherwise());
	}

	private void validate(List<Operation> operations) {
		Set<String> puts = null;
		Set<String> deletes = null;
		for (Operation operation : operations) {
			String key = (operation instanceof Operation.Put put) ? put.key()
					: (operation instanceof Operation.Delete delete) ? delete.key() : ((Operation.Get) operation).key();
			if (key.isEmpty()) {
				throw failed("etcdserver: key is not provided");
			}
			if (operation instanceof Operation.Put) {
				puts = (puts != null) ? puts : new HashSet<>();
				if (!puts.add(key)) {
					throw failed("etcdserver: duplicate key given in txn request");
				}
			}
			else if (operation instanceof Operation.Delete) {
				deletes = (deletes != null) ? deletes : new HashSet<>();
				deletes.add(key);
			}
		}
		if (puts != null && deletes != null && !Collections.disjoint(puts, deletes)) {
			throw failed("etcdserver: duplicate key given in txn request");
		}
	}

	private static boolean writes(List<Operation> operations) {
		for (Operation operation : operations) {
			if (!(operation instanceof Operation.Get)) {
				return true;
			}
		}
		return false;
	}

	private boolean holds(Compare compare) {
		KeyValue kv = this.state.keys.get(compare.key());
		int result;
		if (compare.target() == Compare.Target.VALUE) {
			if (kv == null) {
				// etcd: "always fail if comparing a value on a key that doesn't exist"
				return false;
			}
			result = compareKeys(kv.value(), String.valueOf(compare.value()));
		}
		else {
			long actual = (kv == null) ? 0 : switch (compare.target()) {
				case CREATE_REVISION -> kv.createRevision();
				case MOD_REVISION -> kv.modRevision();
				case VERSION -> kv.version();
				case VALUE -> throw new IllegalStateException();
			};
			result = Long.compare(actual, compare.number());
		}
		return switch (compare.operator()) {
			case EQUAL -> result == 0;
			case NOT_EQUAL -> result != 0;
			case GREATER -> result > 0;
			case LESS -> result < 0;
		};
	}

	private void attach(KeyValue kv) {
		if (kv.leaseId() != 0) {
			this.state.leases.get(kv.leaseId()).keys.add(kv.key());
		}
	}

	private void detach(@Nullable KeyValue kv) {
		if (kv != null && kv.leaseId() != 0) {
			Lease lease = this.state.leases.get(kv.leaseId());
			if (lease != null) {
				lease.keys.remove(kv.key());
			}
		}
	}

	private static WatchEvent deletion(String key, long revision) {
		return new WatchEvent(true, new KeyValue(key, "", 0, revision, 0, 0));
	}

	private void commit(List<WatchEvent> changes) {
		long revision = ++this.state.revision;
		this.commits++;
		for (WatchEvent change : changes) {
			this.state.history.add(new Change(revision, change));
		}
		if (this.world.tracing()) {
			this.world.trace("etcd", "committed revision", new Committed(revision, changes));
		}
		// A sink may end or cancel a watch while it is told: go through a copy.
		for (ServerWatch watch : this.watches.toArray(NO_WATCHES)) {
			if (watch.ended || revision < watch.nextRevision || held(watch)) {
				continue;
			}
			if (watch.nextRevision < revision) {
				// it was held until now (a stalled member back, which applies its log in
				// order
				// before what comes next): what it missed first
				catchUp(watch);
				continue;
			}
			List<WatchEvent> matching = null;
			for (WatchEvent change : changes) {
				if (watch.covers(change.keyValue().key())) {
					matching = add(matching, change);
				}
			}
			watch.nextRevision = revision + 1;
			if (matching != null) {
				watch.sink.events(new Header(revision, this.raftTerm, this.memberIds[watch.member], this.clusterId),
						matching);
			}
		}
		for (Observer observer : this.observers) {
			observer.changed(revision, changes);
		}
	}

	private boolean held(ServerWatch watch) {
		if (watch.heldUntil > this.world.now()) {
			return true;
		}
		Stall stalled = this.stall;
		if (stalled != null && stalled.member == watch.member) {
			return true;
		}
		Isolation isolated = this.isolation;
		return isolated != null && isolated.member == watch.member;
	}

	private void catchUp(ServerWatch watch) {
		if (watch.ended) {
			return;
		}
		if (watch.nextRevision < this.state.compactRevision) {
			watch.end(new EtcdFailure(EtcdFailure.Kind.COMPACTED, "required revision has been compacted"));
			return;
		}
		List<Change> history = this.state.history;
		List<WatchEvent> missed = null;
		for (int i = firstAt(history, watch.nextRevision); i < history.size(); i++) {
			Change change = history.get(i);
			if (watch.covers(change.event.keyValue().key())) {
				missed = add(missed, change.event);
			}
		}
		watch.nextRevision = Math.max(watch.nextRevision, this.state.revision + 1);
		if (missed != null) {
			watch.sink.events(header(watch.member), missed);
		}
	}

	private static int firstAt(List<Change> history, long revision) {
		int low = 0;
		int high = history.size();
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (history.get(middle).revision < revision) {
				low = middle + 1;
			}
			else {
				high = middle;
			}
		}
		return low;
	}

	private void endWatches(EtcdFailure failure) {
		for (ServerWatch watch : List.copyOf(this.watches)) {
			watch.end(failure);
		}
	}

	private void revoke(Lease lease, String why) {
		this.state.leases.remove(lease.id);
		this.recentlyRevoked.put(lease.id, new Revoked(this.world.now(), lease.ttl));
		if (this.recentlyRevoked.size() > 64) {
			this.recentlyRevoked.remove(this.recentlyRevoked.keySet().iterator().next());
		}
		if (lease.check != null) {
			lease.check.cancel();
			lease.check = null;
		}
		this.world.trace("etcd", why, lease.id);
		List<WatchEvent> changes = null;
		long next = this.state.revision + 1;
		for (String key : lease.keys) {
			if (this.state.keys.remove(key) != null) {
				changes = add(changes, deletion(key, next));
			}
		}
		if (changes != null) {
			commit(changes);
		}
		if (lease.waiting != null) {
			Header header = header(this.leader);
			for (KeepAliveReply reply : lease.waiting) {
				reply.answered(new LeaseRenewal(header, 0));
			}
			lease.waiting = null;
		}
	}

	private void promote() {
		long now = this.world.now();
		for (Lease lease : this.state.leases.values()) {
			lease.deadline = now + this.settings.electionTimeoutNanos() + lease.ttl * SECOND;
			scheduleCheck(lease);
		}
	}

	private void demote(Lease lease) {
		lease.deadline = FOREVER;
		if (lease.check != null) {
			lease.check.cancel();
			lease.check = null;
		}
	}

	private void scheduleCheck(Lease lease) {
		if (lease.check != null && lease.check.queued()) {
			return;
		}
		lease.check = this.world.scheduleAt(nextTick(lease.deadline), () -> check(lease));
	}

	private void check(Lease lease) {
		lease.check = null;
		if (!this.serving || this.state.leases.get(lease.id) != lease) {
			return;
		}
		if (lease.deadline <= this.world.now()) {
			revoke(lease, "expired lease");
		}
		else {
			scheduleCheck(lease);
		}
	}

	/** The first run of the lessor's loop at or after {@code time}. */
	private long nextTick(long time) {
		long tick = this.settings.lessorTickNanos();
		if (tick <= 0) {
			return time;
		}
		long ticks = Math.floorDiv(time - this.tickPhase + tick - 1, tick);
		return this.tickPhase + ticks * tick;
	}

	private static <T> List<T> add(@Nullable List<T> list, T item) {
		List<T> to = (list != null) ? list : new ArrayList<>(2);
		to.add(item);
		return to;
	}

	private static EtcdFailure failed(String message) {
		return new EtcdFailure(EtcdFailure.Kind.FAILED, "etcd error: " + message);
	}

	/**
	 * What a member without a leader answers a request that requires one, as jetcd sees
	 * it: UNAVAILABLE.
	 */
	static EtcdFailure noLeader() {
		return new EtcdFailure(EtcdFailure.Kind.FAILED,
				"etcd at sim://etcd cannot be reached (UNAVAILABLE: etcdserver: no leader): check that etcd runs there"
						+ " and that ha.etcd.endpoints names it");
	}

	private static EtcdFailure leaseNotFound() {
		return new EtcdFailure(EtcdFailure.Kind.LEASE_NOT_FOUND, "etcd no longer knows the lease");
	}

	static int compareKeys(String a, String b) {
		int length = Math.min(a.length(), b.length());
		for (int i = 0; i < length; i++) {
			char x = a.charAt(i);
			char y = b.charAt(i);
			if (x != y) {
				if (x >= 0xD800 && y >= 0xD800) {
					// Surrogates (code points above U+FFFF) sort after U+E000..U+FFFF in
					// UTF-8.
					return codePointOrder(x) - codePointOrder(y);
				}
				return x - y;
			}
		}
		return a.length() - b.length();
	}

	private static int codePointOrder(char c) {
		return (c >= 0xE000) ? c - 0x800 : c + 0x2000;
	}

	/**
	 * The timings and size of a simulated cluster.
	 *
	 * @param heartbeatNanos {@code --heartbeat-interval}
	 * @param electionTimeoutNanos {@code --election-timeout}: the minimum TTL and the
	 * extension a new leader gives every lease derive from it
	 * @param lessorTickNanos how often the lessor looks for expired leases (500 ms in
	 * etcd), {@code 0} to expire leases at their deadline exactly
	 * @param members how many members (3 for {@link SimEtcd#stallLeader()})
	 * @param renewRacesRevokeNanos for how long after a revocation a keepalive of the
	 * lease still gets a TTL (etcd#20590, a race in etcd up to 3.4.37), {@code 0} for
	 * never
	 * @param staleLessor whether a leader that lost its leadership without knowing
	 * (stalled, or cut off before it steps down) still renews leases from its lessor
	 * (etcd#15247) and, stalled, revokes on its return what it thought expired
	 * (etcd#12528), as etcd 3.4.23 does; {@code false} for an etcd with the fixes, whose
	 * lessor confirms its leadership first: such a member answers no keepalive and
	 * revokes nothing
	 */
	record Settings(long heartbeatNanos, long electionTimeoutNanos, long lessorTickNanos, int members,
			long renewRacesRevokeNanos, boolean staleLessor) {

		Settings {
			if (heartbeatNanos <= 0 || electionTimeoutNanos < heartbeatNanos) {
				throw new IllegalArgumentException("The election timeout must be at least the heartbeat interval");
			}
			if (members < 1) {
				throw new IllegalArgumentException("A cluster needs at least one member");
			}
		}

		/**
		 * etcd's defaults: heartbeat 100 ms, election timeout 1 s (minimum TTL 2 s), one
		 * member.
		 * @return the settings
		 */
		static Settings defaults() {
			return new Settings(100_000_000L, 1_000_000_000L, 500_000_000L, 1, 0, true);
		}

		/**
		 * What the tests' real etcd runs with ({@code --heartbeat-interval 50
		 * --election-timeout 500}, minimum TTL 1 s), one member.
		 * @return the settings
		 */
		static Settings fast() {
			return new Settings(50_000_000L, 500_000_000L, 500_000_000L, 1, 0, true);
		}

		Settings withMembers(int members) {
			return new Settings(this.heartbeatNanos, this.electionTimeoutNanos, this.lessorTickNanos, members,
					this.renewRacesRevokeNanos, this.staleLessor);
		}

		Settings withLessorTick(long lessorTickNanos) {
			return new Settings(this.heartbeatNanos, this.electionTimeoutNanos, lessorTickNanos, this.members,
					this.renewRacesRevokeNanos, this.staleLessor);
		}

		Settings withRenewRacingRevoke(long renewRacesRevokeNanos) {
			return new Settings(this.heartbeatNanos, this.electionTimeoutNanos, this.lessorTickNanos, this.members,
					renewRacesRevokeNanos, this.staleLessor);
		}

		/**
		 * An etcd with or without the stale lessor of etcd#15247 and etcd#12528.
		 * @param staleLessor {@code false} for an etcd with the fixes
		 * @return the settings
		 */
		Settings withStaleLessor(boolean staleLessor) {
			return new Settings(this.heartbeatNanos, this.electionTimeoutNanos, this.lessorTickNanos, this.members,
					this.renewRacesRevokeNanos, staleLessor);
		}

		/**
		 * etcd's minimum TTL: ceil(((3 x election ticks) / 2) x heartbeat), in seconds.
		 * @return the minimum
		 */
		long minTtlSeconds() {
			long ticks = this.electionTimeoutNanos / this.heartbeatNanos;
			long nanos = ((3 * ticks) / 2) * this.heartbeatNanos;
			return (nanos + SECOND - 1) / SECOND;
		}

	}

	/**
	 * How a member treats a request that reaches it.
	 */
	enum Availability {

		/** It answers. */
		SERVING,

		/** Its process is down: the connection is refused. */
		REFUSING,

		/**
		 * It is stalled, or cut off and does not know it yet, or waits for a new leader:
		 * the request waits for ever (a stalled leader's lessor still answers
		 * keepalives).
		 */
		HANGING,

		/**
		 * It knows it has no leader: a request or a new stream that requires one (every
		 * call of jetcd with {@code hasleader}) fails at once, UNAVAILABLE.
		 */
		NO_LEADER

	}

	/**
	 * Receives the answer to a keepalive.
	 */
	interface KeepAliveReply {

		/**
		 * The answer, TTL {@code 0} for an unknown lease, as etcd sends it.
		 * @param renewal the answer
		 */
		void answered(LeaseRenewal renewal);

		/**
		 * The stream broke before an answer.
		 * @param failure why
		 */
		void failed(EtcdFailure failure);

	}

	/**
	 * Receives what a server-side watch sends, at once; {@link SimGateway} carries it
	 * over the network.
	 */
	interface WatchSink {

		/**
		 * One watch response.
		 * @param header its header
		 * @param events its events
		 */
		void events(Header header, List<WatchEvent> events);

		/**
		 * The watch is over.
		 * @param failure why
		 */
		void ended(EtcdFailure failure);

	}

	/**
	 * Sees every transaction and every committed revision, on the world's thread.
	 */
	interface Observer {

		/**
		 * A transaction was applied (whether it wrote or not).
		 * @param member the member that served it
		 * @param txn the transaction
		 * @param result its result
		 */
		default void applied(int member, Txn txn, TxnResult result) {
		}

		/**
		 * A revision was committed: by a transaction, a revocation or an expiry.
		 * @param revision the revision
		 * @param changes what changed, in order
		 */
		default void changed(long revision, List<WatchEvent> changes) {
		}

	}

	/**
	 * A watch on the server.
	 */
	final class ServerWatch {

		final int member;

		private final String key;

		private final @Nullable String rangeEnd;

		private final WatchSink sink;

		long nextRevision;

		private long heldUntil;

		private boolean ended;

		/**
		 * Whether it watches from this key on.
		 * @param watched the key
		 * @return {@code true} if its range starts there
		 */
		boolean watches(String watched) {
			return this.key.equals(watched);
		}

		private ServerWatch(int member, String key, @Nullable String rangeEnd, WatchSink sink) {
			this.member = member;
			this.key = key;
			this.rangeEnd = (rangeEnd == null || rangeEnd.isEmpty()) ? null : rangeEnd;
			this.sink = sink;
		}

		boolean covers(String candidate) {
			if (this.rangeEnd == null) {
				return this.key.equals(candidate);
			}
			return compareKeys(candidate, this.key) >= 0
					&& (this.rangeEnd.equals("\0") || compareKeys(candidate, this.rangeEnd) < 0);
		}

		boolean ended() {
			return this.ended;
		}

		/**
		 * The watcher falls behind (its client reads slowly): nothing is sent for a
		 * while, then everything missed at once, unless a compaction took it first.
		 * @param worldNanos for how long
		 */
		void lag(long worldNanos) {
			if (this.ended || worldNanos <= 0) {
				return;
			}
			long until = SimEtcd.this.world.now() + worldNanos;
			if (until > this.heldUntil && this.heldUntil != FOREVER) {
				this.heldUntil = until;
				SimEtcd.this.world.scheduleAt(until, () -> {
					if (this.heldUntil == until && SimEtcd.this.serving && !held(this)) {
						catchUp(this);
					}
				});
			}
		}

		/**
		 * Sends nothing until {@link #release()} (its client is cut off, and TCP keeps
		 * what it could not send).
		 */
		void hold() {
			this.heldUntil = FOREVER;
		}

		/**
		 * Ends {@link #hold()}: what was missed is sent at once, unless compacted.
		 */
		void release() {
			if (this.heldUntil == FOREVER) {
				this.heldUntil = 0;
				if (!this.ended && SimEtcd.this.serving && !held(this)) {
					catchUp(this);
				}
			}
		}

		/**
		 * Cancels the watch; nothing more is sent.
		 */
		void cancel() {
			if (!this.ended) {
				this.ended = true;
				SimEtcd.this.watches.remove(this);
			}
		}

		void end(EtcdFailure failure) {
			if (!this.ended) {
				cancel();
				this.sink.ended(failure);
			}
		}

	}

	/**
	 * A snapshot of the store, to restore.
	 */
	static final class Snapshot {

		private final long takenAt;

		private final State state;

		private Snapshot(long takenAt, State state) {
			this.takenAt = takenAt;
			this.state = state;
		}

		long takenAt() {
			return this.takenAt;
		}

		long revision() {
			return this.state.revision;
		}

		@Override
		public String toString() {
			return "Snapshot(revision " + revision() + " at " + SimWorld.seconds(this.takenAt) + ")";
		}

	}

	/** What a snapshot holds: everything but the cluster's identity and raft term. */
	private static final class State {

		final TreeMap<String, KeyValue> keys = new TreeMap<>(KEY_ORDER);

		final TreeMap<Long, Lease> leases = new TreeMap<>();

		final ArrayList<Change> history = new ArrayList<>();

		long revision = 1;

		long compactRevision;

		State copy() {
			State copy = new State();
			copy.keys.putAll(this.keys);
			for (Lease lease : this.leases.values()) {
				Lease copied = new Lease(lease.id, lease.ttl);
				copied.keys.addAll(lease.keys);
				copy.leases.put(lease.id, copied);
			}
			copy.history.addAll(this.history);
			copy.revision = this.revision;
			copy.compactRevision = this.compactRevision;
			return copy;
		}

	}

	private static final class Lease {

		final long id;

		final long ttl;

		final TreeSet<String> keys = new TreeSet<>(KEY_ORDER);

		long deadline = FOREVER;

		SimWorld.@Nullable Event check;

		@Nullable List<KeepAliveReply> waiting;

		Lease(long id, long ttl) {
			this.id = id;
			this.ttl = ttl;
		}

	}

	/** A member stuck with its lessor still primary (etcd#15247). */
	private static final class Stall {

		final int member;

		final Header header;

		final Map<Long, Long> deadlines = new TreeMap<>();

		final Map<Long, Long> ttls = new TreeMap<>();

		Stall(int member, Header header) {
			this.member = member;
			this.header = header;
		}

		void keepAlive(long leaseId, KeepAliveReply reply, long now) {
			Long deadline = this.deadlines.get(leaseId);
			if (deadline == null) {
				reply.answered(new LeaseRenewal(this.header, 0));
			}
			else if (deadline > now) {
				long ttl = this.ttls.get(leaseId);
				this.deadlines.put(leaseId, now + ttl * SECOND);
				reply.answered(new LeaseRenewal(this.header, ttl));
			}
			// else: expired in its view; the renew waits for a revocation that cannot
			// commit
		}

	}

	/** A member cut off from the majority ({@link SimEtcd#isolate(int)}). */
	private static final class Isolation {

		final int member;

		/** When it knows it has no leader. */
		final long noticedAt;

		/** The lessor of a leader cut off, until it steps down. */
		@Nullable Stall staleLessor;

		/**
		 * When the majority elects a new leader, if the member led; {@code 0} once done.
		 */
		long newLeaderAt;

		SimWorld.@Nullable Event election;

		SimWorld.@Nullable Event monitor;

		Isolation(int member, long noticedAt) {
			this.member = member;
			this.noticedAt = noticedAt;
		}

		boolean electing() {
			return this.newLeaderAt != 0;
		}

		void cancel() {
			if (this.election != null) {
				this.election.cancel();
			}
			if (this.monitor != null) {
				this.monitor.cancel();
			}
		}

	}

	private record Change(long revision, WatchEvent event) {
	}

	private record Revoked(long at, long ttl) {
	}

	private record Committed(long revision, List<WatchEvent> changes) {

		@Override
		public String toString() {
			StringBuilder out = new StringBuilder().append(this.revision).append(':');
			for (WatchEvent change : this.changes) {
				out.append(change.deleted() ? " -" : " +").append(change.keyValue().key());
			}
			return out.toString();
		}

	}

}
