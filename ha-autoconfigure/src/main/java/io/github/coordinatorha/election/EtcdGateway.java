package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The etcd operations the election engine uses, in etcd's own terms and without jetcd's
 * types: {@link JetcdGateway} carries them out on a real etcd, and the tests' model of
 * etcd carries them out on simulated time, so the same session and role code runs against
 * both.
 * <p>
 * Every call returns at once. Its future completes on a thread of the implementation's
 * choosing (jetcd's event loop, say), so callers hop to their own executor before doing
 * anything else. A future that fails does so with an {@link EtcdFailure}; one that does
 * not complete within the implementation's request timeout fails with
 * {@link EtcdFailure.Kind#NO_ANSWER}, whose outcome is unknown.
 */
interface EtcdGateway {

	/**
	 * Reads one key, or the range {@code [key, rangeEnd)}, linearizably.
	 * @param key the key, or the start of the range
	 * @param rangeEnd the end of the range (exclusive), or {@code null} for one key
	 * @return the keys found, in key order, and the revision they were read at
	 */
	CompletableFuture<Range> get(String key, @Nullable String rangeEnd);

	/**
	 * Runs a transaction: if every comparison holds, the {@code then} operations, else
	 * the {@code otherwise} ones, atomically at one revision.
	 * @param txn the transaction
	 * @return which branch ran, and what its reads found
	 */
	CompletableFuture<TxnResult> txn(Txn txn);

	/**
	 * Grants a lease. etcd may grant a longer TTL than asked (its minimum).
	 * @param ttlSeconds the TTL asked for
	 * @return the lease and the TTL granted
	 */
	CompletableFuture<LeaseGrant> grant(long ttlSeconds);

	/**
	 * Renews a lease once.
	 * @param leaseId the lease
	 * @param timeout how long to wait for the answer at most, less than the request
	 * timeout when the lease's deadline is nearer
	 * @return the TTL from now on; fails with {@link EtcdFailure.Kind#LEASE_NOT_FOUND}
	 * when etcd no longer knows the lease (jetcd turns etcd's TTL 0 into that error)
	 */
	CompletableFuture<LeaseRenewal> keepAliveOnce(long leaseId, Duration timeout);

	/**
	 * Revokes a lease, which deletes every key attached to it at one revision.
	 * @param leaseId the lease
	 * @return the revision of the deletion
	 */
	CompletableFuture<Header> revoke(long leaseId);

	/**
	 * Watches the range {@code [key, rangeEnd)} from a revision. Events reach the
	 * listener in revision order, on a thread of the implementation's choosing, until the
	 * watch is closed, compacted away, or broken; after the last two the watch is over
	 * and the caller reads again.
	 * @param key the start of the range
	 * @param rangeEnd the end of the range (exclusive)
	 * @param fromRevision the first revision to report
	 * @param listener receives the events
	 * @return the watch, to close
	 */
	Watching watch(String key, String rangeEnd, long fromRevision, WatchListener listener);

	/**
	 * The version of the etcd server the first endpoint names, for a warning about known
	 * bugs; {@code null} when unknown.
	 * @return the version, for example {@code 3.4.23}
	 */
	default CompletableFuture<@Nullable String> serverVersion() {
		return CompletableFuture.completedFuture(null);
	}

	/**
	 * What an etcd response says of the member that answered.
	 *
	 * @param revision the store's revision when the request was served
	 * @param raftTerm the member's raft term
	 * @param memberId the member that answered
	 * @param clusterId the cluster it belongs to
	 */
	record Header(long revision, long raftTerm, long memberId, long clusterId) {
	}

	/**
	 * One key as etcd stores it. For a deletion reported by a watch, only the key and the
	 * deletion's revision ({@code modRevision}) are set.
	 *
	 * @param key the key
	 * @param value the value, read as UTF-8
	 * @param createRevision the revision at which the key was created
	 * @param modRevision the revision of its last change
	 * @param version how many times it was written since created
	 * @param leaseId the lease it is attached to, {@code 0} for none
	 */
	record KeyValue(String key, String value, long createRevision, long modRevision, long version, long leaseId) {
	}

	/**
	 * The keys a read found.
	 *
	 * @param header the answer's header
	 * @param keyValues the keys, in key order
	 */
	record Range(Header header, List<KeyValue> keyValues) {
	}

	/**
	 * A transaction: {@code then} runs if every comparison in {@code when} holds,
	 * {@code otherwise} if not.
	 *
	 * @param when the comparisons
	 * @param then what to do if all hold
	 * @param otherwise what to do if one does not
	 */
	record Txn(List<Compare> when, List<Operation> then, List<Operation> otherwise) {

		public Txn {
			when = List.copyOf(when);
			then = List.copyOf(then);
			otherwise = List.copyOf(otherwise);
		}

	}

	/**
	 * One comparison of a transaction, against a key's current state. An absent key has
	 * create revision, mod revision and version {@code 0}, and no value, so a value
	 * comparison on it fails. (etcd can compare a key's lease too, but jetcd 0.8 cannot
	 * send such a comparison; a key's lease changes only with a write, which changes its
	 * mod revision, so comparing that suffices.)
	 *
	 * @param key the key
	 * @param target what of the key is compared
	 * @param operator how
	 * @param number the number compared with, for every target but {@code VALUE}
	 * @param value the value compared with, for {@code VALUE}
	 */
	record Compare(String key, Target target, Operator operator, long number, @Nullable String value) {

		static Compare createRevision(String key, Operator operator, long revision) {
			return new Compare(key, Target.CREATE_REVISION, operator, revision, null);
		}

		static Compare modRevision(String key, Operator operator, long revision) {
			return new Compare(key, Target.MOD_REVISION, operator, revision, null);
		}

		static Compare version(String key, Operator operator, long version) {
			return new Compare(key, Target.VERSION, operator, version, null);
		}

		static Compare value(String key, Operator operator, String value) {
			return new Compare(key, Target.VALUE, operator, 0, value);
		}

		/**
		 * What of a key a comparison looks at.
		 */
		enum Target {

			CREATE_REVISION, MOD_REVISION, VERSION, VALUE

		}

		/**
		 * How a comparison compares.
		 */
		enum Operator {

			EQUAL, NOT_EQUAL, GREATER, LESS

		}

	}

	/**
	 * One operation of a transaction.
	 */
	sealed interface Operation {

		/**
		 * Writes a key, attached to a lease or to none ({@code 0}). A put under a lease
		 * etcd does not know fails the whole transaction with
		 * {@link EtcdFailure.Kind#LEASE_NOT_FOUND}.
		 *
		 * @param key the key
		 * @param value the value
		 * @param leaseId the lease, or {@code 0}
		 */
		record Put(String key, String value, long leaseId) implements Operation {
		}

		/**
		 * Deletes a key, if present.
		 *
		 * @param key the key
		 */
		record Delete(String key) implements Operation {
		}

		/**
		 * Reads a key; what it finds is in {@link TxnResult#found()}.
		 *
		 * @param key the key
		 */
		record Get(String key) implements Operation {
		}

	}

	/**
	 * The answer to a transaction.
	 *
	 * @param header the answer's header; its revision is the transaction's when it wrote
	 * @param succeeded whether every comparison held, so {@code then} ran
	 * @param found the keys the reads of the branch that ran found, in order
	 */
	record TxnResult(Header header, boolean succeeded, List<KeyValue> found) {
	}

	/**
	 * A granted lease.
	 *
	 * @param header the answer's header
	 * @param leaseId the lease
	 * @param ttlSeconds the TTL granted
	 */
	record LeaseGrant(Header header, long leaseId, long ttlSeconds) {
	}

	/**
	 * A renewed lease.
	 *
	 * @param header the answer's header
	 * @param ttlSeconds the TTL from now on; a renewal that is not positive counts as
	 * etcd no longer knowing the lease
	 */
	record LeaseRenewal(Header header, long ttlSeconds) {
	}

	/**
	 * A change of a watched key.
	 *
	 * @param deleted whether the key was deleted; otherwise it was written
	 * @param keyValue the key after the change (for a deletion, its key and the
	 * deletion's revision)
	 */
	record WatchEvent(boolean deleted, KeyValue keyValue) {
	}

	/**
	 * Receives what a watch sees. Called on a thread of the gateway's choosing, one call
	 * at a time; implementations hand the work to their own executor.
	 */
	interface WatchListener {

		/**
		 * Changes at one or more revisions, in revision order.
		 * @param header the header of the response that carried them
		 * @param events the changes
		 */
		void onEvents(Header header, List<WatchEvent> events);

		/**
		 * The watch cannot go on: its start revision was compacted away, the stream broke
		 * or etcd closed it. No further call follows.
		 * @param failure why, of kind {@link EtcdFailure.Kind#COMPACTED} when compacted
		 */
		void onEnded(EtcdFailure failure);

	}

	/**
	 * A running watch.
	 */
	interface Watching extends AutoCloseable {

		/**
		 * Stops the watch; no call reaches the listener afterwards, or only calls already
		 * under way.
		 */
		@Override
		void close();

	}

}
