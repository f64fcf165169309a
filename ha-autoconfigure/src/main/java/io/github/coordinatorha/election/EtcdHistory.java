package io.github.coordinatorha.election;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.coordinatorha.election.EtcdGateway.Header;

/**
 * What this node has seen of etcd's history: the highest revision a linearizable answer
 * (a read or a transaction) carried, and the highest raft term any answer carried.
 * Revisions only grow in one history, and a linearizable answer reflects every write
 * before its request was sent, so an answer below the highest revision seen before the
 * request means etcd was wiped or restored from an older backup: the history was rewound.
 * A keepalive answered with a raft term below the highest comes from a member that no
 * longer leads (etcd#15247: a leader stalled in fdatasync goes on renewing leases the new
 * leader expires), so it proves nothing; raft terms count per cluster, and a wiped or
 * restored cluster has a new cluster ID. Any thread may report answers.
 */
final class EtcdHistory {

	private final AtomicLong highestRevision = new AtomicLong();

	/**
	 * The highest raft term seen, per cluster: a wiped or restored cluster starts its
	 * terms again under a new cluster ID.
	 */
	private final Map<Long, Long> highestRaftTerms = new ConcurrentHashMap<>();

	private final Listener listener;

	EtcdHistory(Listener listener) {
		this.listener = listener;
	}

	/**
	 * The highest revision seen so far: the floor of every linearizable answer to a
	 * request sent from now on.
	 */
	long floor() {
		return this.highestRevision.get();
	}

	/**
	 * Records a revision the history has reached, as a watch event shows it: a term won
	 * by a transfer, or a write of another node. Every linearizable answer to a request
	 * sent from now on must be at or above it unless the history is rewound.
	 */
	void reached(long revision) {
		this.highestRevision.accumulateAndGet(revision, Math::max);
	}

	/**
	 * Records a linearizable answer to a request sent when the highest revision seen was
	 * {@code floor}. Linearizability puts every such answer at or above the floor; one
	 * below it means the history was rewound: the listener hears of it once, and the
	 * answer's revision becomes the new highest.
	 */
	void linearizable(Header header, long floor) {
		raftTerm(header);
		if (header.revision() >= floor) {
			this.highestRevision.accumulateAndGet(header.revision(), Math::max);
			return;
		}
		long highest = this.highestRevision.get();
		if (highest >= floor && this.highestRevision.compareAndSet(highest, header.revision())) {
			// the rewound history counts its raft terms afresh too
			this.highestRaftTerms.clear();
			raftTerm(header);
			this.listener.rewound(header.revision(), highest);
		}
	}

	/**
	 * Records an answer that went through raft (a transaction, a lease grant): it comes
	 * from the cluster's leader, so its term is the cluster's. A term below the highest
	 * seen means the cluster started its terms again (wiped, or restored, under the same
	 * cluster ID): the highest becomes that term.
	 */
	void committed(Header header) {
		this.highestRaftTerms.put(header.clusterId(), header.raftTerm());
	}

	/**
	 * Records the raft term of any answer.
	 */
	void raftTerm(Header header) {
		if (this.highestRaftTerms.size() > 16) {
			this.highestRaftTerms.clear();
		}
		this.highestRaftTerms.merge(header.clusterId(), header.raftTerm(), Math::max);
	}

	/**
	 * Whether an answer can be current: its member's raft term is not below one already
	 * seen in its cluster.
	 */
	boolean isCurrent(Header header) {
		return header.raftTerm() >= highestRaftTerm(header.clusterId());
	}

	long highestRaftTerm(long clusterId) {
		return this.highestRaftTerms.getOrDefault(clusterId, 0L);
	}

	/**
	 * Hears that etcd's history was rewound.
	 */
	@FunctionalInterface
	interface Listener {

		/**
		 * An answer carried {@code revision}, below the {@code highest} seen before.
		 */
		void rewound(long revision, long highest);

	}

}
