package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Compare.Operator;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Range;
import io.github.coordinatorha.election.EtcdGateway.Txn;
import io.github.coordinatorha.election.EtcdGateway.WatchListener;
import io.github.coordinatorha.election.EtcdGateway.Watching;
import io.github.coordinatorha.election.RoleView.ActiveHolder;

/**
 * One role's etcd operations, the storage port of its election: register this node's
 * session, read and watch the role's keys, claim, resign and release the ACTIVE key. It
 * knows the keys and the session JSON; its answers are the {@link RoleInput}s the machine
 * takes, and its futures never fail (a failure is an answer too).
 */
final class RoleStore {

	private final EtcdGateway etcd;

	private final RoleKeys keys;

	private final NodeIdentity identity;

	private final Candidacy candidacy;

	RoleStore(EtcdGateway etcd, RoleKeys keys, NodeIdentity identity, Candidacy candidacy) {
		this.etcd = etcd;
		this.keys = keys;
		this.identity = identity;
		this.candidacy = candidacy;
	}

	/**
	 * Writes this node's session key under the lease. Rewriting it moves the node to the
	 * back of the successor queue.
	 */
	CompletableFuture<RoleInput> register(SessionLease lease) {
		SessionInfo session = session(lease);
		return answer(this.etcd.txn(new Txn(List.of(), List.of(putSession(lease, session)), List.of())),
				(result) -> new RoleInput.Registered(lease, result.header().revision(), session),
				(failure) -> new RoleInput.RegisterFailed(lease, failure));
	}

	/**
	 * Reads the role's keys; the answer carries the revision to watch from.
	 */
	CompletableFuture<RoleInput> read(SessionLease lease) {
		return answer(this.etcd.get(this.keys.activeKey(), this.keys.rangeEnd()),
				(range) -> new RoleInput.Synced(lease, range), (failure) -> new RoleInput.SyncFailed(lease, failure));
	}

	Watching watch(long fromRevision, WatchListener listener) {
		return this.etcd.watch(this.keys.activeKey(), this.keys.rangeEnd(), fromRevision, listener);
	}

	/**
	 * Creates the ACTIVE key, holding this node's session, under the lease, if it does
	 * not exist and the epoch of etcd's history is as {@code epoch} found it; otherwise
	 * reads both.
	 */
	CompletableFuture<RoleInput> claim(SessionLease lease, Epoch epoch) {
		SessionInfo session = session(lease);
		String activeKey = this.keys.activeKey();
		List<Operation> puts = new ArrayList<>();
		puts.add(new Operation.Put(activeKey, SessionCodec.encode(session), lease.leaseId()));
		// The first claim of a history marks the epoch key, so that no term of another
		// history (a wipe that no node saw) can pass this term's epoch guard.
		String first = (epoch.modRevision() == 0) ? Epoch.first(lease.leaseId(), session.registeredAt()) : null;
		if (first != null) {
			puts.add(new Operation.Put(this.keys.epochKey(), first, 0));
		}
		Txn claim = new Txn(
				List.of(Compare.createRevision(activeKey, Operator.EQUAL, 0), epoch.unchanged(this.keys.epochKey())),
				List.copyOf(puts), List.of(new Operation.Get(activeKey), new Operation.Get(this.keys.epochKey())));
		return answer(this.etcd.txn(claim),
				(result) -> result.succeeded()
						? new RoleInput.Claimed(lease, result.header().revision(), session,
								(first != null) ? new Epoch(0, result.header().revision(), first) : epoch)
						: new RoleInput.ClaimRefused(lease, result.found()),
				(failure) -> new RoleInput.ClaimFailed(lease, failure));
	}

	/**
	 * Deletes the ACTIVE key if it is still of {@code term} and rewrites this node's
	 * session, in one transaction, so standbys see both at one revision.
	 */
	CompletableFuture<RoleInput> resign(SessionLease lease, long term) {
		SessionInfo session = session(lease);
		Txn resign = new Txn(List.of(Compare.modRevision(this.keys.activeKey(), Operator.EQUAL, term)),
				List.of(new Operation.Delete(this.keys.activeKey()), putSession(lease, session)), List.of());
		return answer(
				this.etcd.txn(resign), (result) -> new RoleInput.Resigned(lease, term, result.succeeded(),
						result.header().revision(), session),
				(failure) -> new RoleInput.ResignFailed(lease, term, failure));
	}

	/**
	 * Gives the role to {@code successor} in one transaction, so that standbys see one
	 * revision: the ACTIVE key, if still of {@code term}, is rewritten with the
	 * successor's session under the successor's lease, and this node's session is
	 * rewritten too (to the back of the queue); guarded by the successor's session as
	 * last seen (a successor that re-registered since is not chosen) and by the epoch.
	 */
	CompletableFuture<RoleInput> transfer(SessionLease lease, long term, RoleView.Candidate successor, Epoch epoch) {
		SessionInfo session = session(lease);
		String activeKey = this.keys.activeKey();
		Txn transfer = new Txn(
				List.of(Compare.modRevision(activeKey, Operator.EQUAL, term),
						Compare.modRevision(successor.key(), Operator.EQUAL, successor.modRevision()),
						epoch.unchanged(this.keys.epochKey())),
				List.of(new Operation.Put(activeKey, successor.value(), successor.leaseId()),
						putSession(lease, session)),
				List.of(new Operation.Get(activeKey), new Operation.Get(successor.key())));
		return answer(this.etcd.txn(transfer),
				(result) -> new RoleInput.Transferred(lease, term, successor.key(), result.succeeded(),
						result.header().revision(), session, result.found()),
				(failure) -> new RoleInput.TransferFailed(lease, term, successor.key(), failure));
	}

	/**
	 * Deletes the ACTIVE key if it is still of {@code term}.
	 */
	CompletableFuture<RoleInput> release(SessionLease lease, long term) {
		Txn release = new Txn(List.of(Compare.modRevision(this.keys.activeKey(), Operator.EQUAL, term)),
				List.of(new Operation.Delete(this.keys.activeKey())), List.of());
		return answer(this.etcd.txn(release),
				(result) -> new RoleInput.Released(lease, term, result.succeeded(), result.header().revision()),
				(failure) -> new RoleInput.ReleaseFailed(lease, term, failure));
	}

	/**
	 * Every registered session of the role, for operators.
	 */
	CompletableFuture<List<RegisteredSession>> sessions() {
		return this.etcd.get(this.keys.activeKey(), this.keys.rangeEnd()).thenApply(this::sessions);
	}

	private List<RegisteredSession> sessions(Range range) {
		RoleView view = RoleView.read(this.keys, range.keyValues(), range.header().revision());
		long activeServerId = view.active().map(ActiveHolder::serverId).orElse(0L);
		List<RegisteredSession> sessions = new ArrayList<>();
		for (KeyValue keyValue : range.keyValues()) {
			if (this.keys.serverIdOf(keyValue.key()).isPresent()) {
				SessionCodec.decode(keyValue.value())
					.ifPresent((info) -> sessions.add(new RegisteredSession(info.serverId(), info.address(),
							info.hostName(), info.version(), info.registeredAt(), info.serverId() == activeServerId,
							info.stopping(), view.rank(keyValue.key(), this.candidacy.succession()), info.priority(),
							info.protocol())));
			}
		}
		return sessions;
	}

	/**
	 * This node's session for the role, as written to its session key and to the ACTIVE
	 * key while it holds the role.
	 */
	SessionInfo session(SessionLease lease) {
		return SessionInfo
			.of(lease.serverId(), this.keys.serverName(), this.identity.address(), this.identity.version(),
					lease.leaseId(), this.identity.hostName(), lease.openedAt().toString())
			.with(this.candidacy.protocol(), this.candidacy.succession());
	}

	private Operation putSession(SessionLease lease, SessionInfo session) {
		return new Operation.Put(this.keys.sessionKey(lease.serverId()), SessionCodec.encode(session), lease.leaseId());
	}

	private static <T> CompletableFuture<RoleInput> answer(CompletableFuture<T> call, Function<T, RoleInput> success,
			Function<EtcdFailure, RoleInput> failure) {
		return call
			.handle((value, error) -> (error == null) ? success.apply(value) : failure.apply(EtcdFailure.of(error)));
	}

}
