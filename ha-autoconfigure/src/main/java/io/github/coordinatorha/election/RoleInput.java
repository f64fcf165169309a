package io.github.coordinatorha.election;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.Handover;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.Range;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import org.jspecify.annotations.Nullable;

/**
 * What can happen to one role's election: news from the session, answers to the role's
 * own etcd requests, watch events, requests from the application, and the passing of
 * time. Inputs that answer a request carry the lease it was made under, so answers from
 * an earlier session are recognised and ignored.
 */
sealed interface RoleInput {

	/**
	 * The lease the input concerns, or {@code null} if it concerns none.
	 */
	default @Nullable SessionLease lease() {
		return null;
	}

	/**
	 * The node opened a session.
	 */
	record SessionOpened(SessionLease lease) implements RoleInput {
	}

	/**
	 * The node could not open a session; it retries.
	 */
	record SessionUnavailable(String reason) implements RoleInput {
	}

	/**
	 * The session's lease can no longer be proven alive.
	 */
	record SessionLost(SessionLease lease, String reason) implements RoleInput {
	}

	/**
	 * This node's session key was written at {@code revision}.
	 */
	record Registered(SessionLease lease, long revision, SessionInfo session) implements RoleInput {
	}

	record RegisterFailed(SessionLease lease, EtcdFailure failure) implements RoleInput {
	}

	/**
	 * The role's keys were read, and a watch from the next revision runs.
	 */
	record Synced(SessionLease lease, Range range) implements RoleInput {
	}

	record SyncFailed(SessionLease lease, EtcdFailure failure) implements RoleInput {
	}

	/**
	 * The watch reported changes.
	 */
	record Watched(SessionLease lease, List<WatchEvent> events) implements RoleInput {
	}

	/**
	 * The watch is over: compacted away, broken, or closed by etcd.
	 */
	record WatchEnded(SessionLease lease, EtcdFailure failure) implements RoleInput {
	}

	/**
	 * This node's claim won the ACTIVE key at {@code revision}, in {@code epoch} (which
	 * the claim created if it was the history's first).
	 */
	record Claimed(SessionLease lease, long revision, SessionInfo session, Epoch epoch) implements RoleInput {
	}

	/**
	 * The claim lost: the ACTIVE key exists, as {@code holder} shows it.
	 */
	record ClaimRefused(SessionLease lease, List<KeyValue> holder) implements RoleInput {
	}

	record ClaimFailed(SessionLease lease, EtcdFailure failure) implements RoleInput {
	}

	/**
	 * The resignation from {@code term} was applied ({@code succeeded}: the key was still
	 * ours and is deleted, our session rewritten at {@code revision}) or found the key
	 * changed.
	 */
	record Resigned(SessionLease lease, long term, boolean succeeded, long revision,
			SessionInfo session) implements RoleInput {
	}

	record ResignFailed(SessionLease lease, long term, EtcdFailure failure) implements RoleInput {
	}

	/**
	 * The transfer of {@code term} to the candidate whose session is {@code successorKey}
	 * was applied at {@code revision} ({@code succeeded}) or found the ACTIVE key or the
	 * successor's session changed, as {@code found} shows them.
	 */
	record Transferred(SessionLease lease, long term, String successorKey, boolean succeeded, long revision,
			SessionInfo session, List<KeyValue> found) implements RoleInput {
	}

	record TransferFailed(SessionLease lease, long term, String successorKey,
			EtcdFailure failure) implements RoleInput {
	}

	/**
	 * The guarded delete of the ACTIVE key of {@code term} was applied, or found the key
	 * changed.
	 */
	record Released(SessionLease lease, long term, boolean succeeded, long revision) implements RoleInput {
	}

	record ReleaseFailed(SessionLease lease, long term, EtcdFailure failure) implements RoleInput {
	}

	/**
	 * The epoch key of etcd's history holds {@code epoch} now.
	 */
	record EpochChanged(Epoch epoch) implements RoleInput {
	}

	/**
	 * etcd's history went back under this node: what the role knows is of an older
	 * history.
	 */
	record Rewound() implements RoleInput {
	}

	/**
	 * An operator or the application asks this node to hand the role over.
	 */
	record HandOverRequested(CompletableFuture<Handover> reply, long serverId) implements RoleInput {
	}

	/**
	 * A {@code BecameActiveEvent} listener of {@code term} failed.
	 */
	record ActivationFailed(long term, @Nullable Throwable failure) implements RoleInput {
	}

	/**
	 * The role's work of {@code term} has ended.
	 */
	record Drained(long term) implements RoleInput {
	}

	/**
	 * Time has passed: a deadline of the phase may be due.
	 */
	record Tick() implements RoleInput {
	}

	/**
	 * The application is stopping.
	 */
	record Stop() implements RoleInput {
	}

}
