package io.github.coordinatorha.election;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Txn;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.EtcdGateway.WatchListener;
import io.github.coordinatorha.election.EtcdGateway.Watching;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps this node's roles on the current epoch of etcd's history, on the session's lane.
 * While the node has a session it reads and watches the epoch key and tells the roles of
 * every change. When etcd's history was rewound under this node (a wipe, or a restore
 * from an older backup: {@link EtcdHistory} sees a revision go back), it tells the roles
 * to step down at once and raises the epoch past every epoch it has seen, so that every
 * term won from then on carries a larger fencing token than every term before; a fenced
 * store that refused a token can ask for the same.
 */
final class EpochKeeper implements SessionListener, EtcdHistory.Listener {

	private static final Log logger = LogFactory.getLog(EpochKeeper.class);

	private static final long MAX_EPOCH = (1L << (63 - FencingToken.REVISION_BITS)) - 1;

	private static final long FIRST_RETRY = 200_000_000L;

	private final EtcdGateway etcd;

	private final String key;

	private final Lane lane;

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	// Confined to the lane

	private @Nullable Epoch current;

	/**
	 * The highest epoch this node has seen in any history.
	 */
	private long remembered;

	/**
	 * An epoch the node must raise past once it has a session, or {@code -1}.
	 */
	private long raisePast = -1;

	private @Nullable SessionLease lease;

	private @Nullable Watching watching;

	private long generation;

	private long retryDelay = FIRST_RETRY;

	EpochKeeper(EtcdGateway etcd, EtcdKeys keys, Lane lane) {
		this.etcd = etcd;
		this.key = keys.epochKey();
		this.lane = lane;
	}

	void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	String key() {
		return this.key;
	}

	@Override
	public void sessionEstablished(SessionLease lease) {
		this.lane.execute(() -> {
			this.lease = lease;
			// the roles start every session not knowing the epoch: tell them once read
			this.current = null;
			read(lease);
		});
	}

	@Override
	public void sessionUnavailable(String reason) {
	}

	@Override
	public void sessionLost(SessionLease lease, String reason) {
		this.lane.execute(() -> {
			if (lease == this.lease) {
				this.lease = null;
				unwatch();
			}
		});
	}

	@Override
	public void rewound(long revision, long highest) {
		this.lane.execute(() -> {
			logger.warn("etcd's history went back: an answer carried revision " + revision + ", below revision "
					+ highest + " seen before (etcd was wiped, or restored from an older backup). Every role of this"
					+ " node steps down; the epoch is raised past " + this.remembered + " before they compete again, so"
					+ " that new terms carry larger fencing tokens than every term before");
			this.listeners.forEach(Listener::rewound);
			raisePast(this.remembered);
		});
	}

	/**
	 * Stops reading and watching the epoch key, at the node's stop.
	 */
	void stop() {
		this.lane.execute(() -> {
			this.lease = null;
			unwatch();
		});
	}

	/**
	 * Raises the epoch past {@code epoch}, unless it is past it already; from any thread.
	 */
	void raiseAbove(long epoch) {
		this.lane.execute(() -> raisePast(epoch));
	}

	private void raisePast(long epoch) {
		this.raisePast = Math.max(this.raisePast, epoch);
		if (this.lease != null) {
			read(this.lease);
		}
	}

	private void read(SessionLease lease) {
		unwatch();
		long generation = this.generation;
		this.etcd.get(this.key, null).whenCompleteAsync((range, failure) -> {
			if (generation != this.generation || lease != this.lease) {
				return;
			}
			try {
				if (failure != null) {
					throw EtcdFailure.of(failure);
				}
				Epoch epoch = Epoch.of(range.keyValues().isEmpty() ? null : range.keyValues().get(0), this.key);
				learn(epoch);
				if (this.raisePast >= 0 && epoch.value() <= this.raisePast) {
					raise(lease, epoch, this.raisePast + 1);
					return;
				}
				this.raisePast = -1;
				this.retryDelay = FIRST_RETRY;
				watch(lease, range.header().revision() + 1);
			}
			catch (EtcdFailure ex) {
				retry(lease, "Could not read the epoch key " + this.key + " (" + ex.getMessage() + ")");
			}
		}, this.lane);
	}

	private void raise(SessionLease lease, Epoch seen, long epoch) {
		if (epoch > MAX_EPOCH) {
			logger.error("The epoch key " + this.key + " cannot go past " + MAX_EPOCH + ": fencing tokens cannot grow"
					+ " across another rewind of etcd's history. Fix: move this cluster to a new ha.etcd.root-path");
			return;
		}
		Txn raise = new Txn(List.of(seen.unchanged(this.key)),
				List.of(new Operation.Put(this.key, Long.toString(epoch), 0)), List.of());
		this.etcd.txn(raise).whenCompleteAsync((result, failure) -> {
			if (lease != this.lease) {
				return;
			}
			if (failure == null && result.succeeded()) {
				logger.warn("Raised the epoch of etcd's history to " + epoch + " (key " + this.key + ")");
			}
			// Raised, raised by another node meanwhile, or unknown: read again to see.
			read(lease);
		}, this.lane);
	}

	private void watch(SessionLease lease, long fromRevision) {
		long generation = ++this.generation;
		this.watching = this.etcd.watch(this.key, this.key + "\0", fromRevision, new WatchListener() {

			@Override
			public void onEvents(Header header, List<WatchEvent> events) {
				EpochKeeper.this.lane.execute(() -> {
					if (generation == EpochKeeper.this.generation && lease == EpochKeeper.this.lease) {
						for (WatchEvent event : events) {
							learn(event.deleted() ? Epoch.NONE : epochOrNone(event));
						}
					}
				});
			}

			@Override
			public void onEnded(EtcdFailure failure) {
				EpochKeeper.this.lane.execute(() -> {
					if (generation == EpochKeeper.this.generation && lease == EpochKeeper.this.lease) {
						EpochKeeper.this.watching = null;
						retry(lease, "The watch on the epoch key " + EpochKeeper.this.key + " ended ("
								+ failure.getMessage() + ")");
					}
				});
			}

		});
	}

	private Epoch epochOrNone(WatchEvent event) {
		try {
			return Epoch.of(event.keyValue(), this.key);
		}
		catch (EtcdFailure ex) {
			logger.warn(ex.getMessage());
			return (this.current != null) ? this.current : Epoch.NONE;
		}
	}

	private void learn(Epoch epoch) {
		this.remembered = Math.max(this.remembered, epoch.value());
		if (!epoch.equals(this.current)) {
			this.current = epoch;
			this.listeners.forEach((listener) -> listener.epochChanged(epoch));
		}
	}

	private void retry(SessionLease lease, String problem) {
		logger.debug(problem + "; reading it again in " + this.retryDelay / 1_000_000 + "ms");
		long delay = this.retryDelay;
		this.retryDelay = Math.min(this.retryDelay * 2, Math.min(5_000_000_000L, lease.ttl().toNanos()));
		this.lane.schedule(() -> {
			if (lease == this.lease) {
				read(lease);
			}
		}, delay);
	}

	private void unwatch() {
		this.generation++;
		if (this.watching != null) {
			this.watching.close();
			this.watching = null;
		}
	}

	/**
	 * Hears of the epoch: every role of the node.
	 */
	interface Listener {

		/**
		 * The epoch key holds {@code epoch} now.
		 */
		void epochChanged(Epoch epoch);

		/**
		 * etcd's history went back under this node.
		 */
		void rewound();

	}

}
