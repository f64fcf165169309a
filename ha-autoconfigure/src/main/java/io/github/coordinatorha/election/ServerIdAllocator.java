package io.github.coordinatorha.election;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;

import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Compare.Operator;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Txn;

/**
 * Allocates a server ID from the counter key as Milvus does: read the counter, then
 * compare-and-swap it one higher. IDs start at 1, are unique across the cluster and are
 * never handed out twice. Every step is a future on the gateway: nothing blocks.
 */
final class ServerIdAllocator {

	private static final int MAX_ATTEMPTS = 64;

	private final EtcdGateway etcd;

	private final String counterKey;

	ServerIdAllocator(EtcdGateway etcd, EtcdKeys keys) {
		this.etcd = etcd;
		this.counterKey = keys.serverIdCounter();
	}

	CompletableFuture<Long> allocate() {
		return update((current) -> current + 1, "allocate a server ID from", MAX_ATTEMPTS);
	}

	/**
	 * Raises the counter to a server ID already in use, when it is lower or gone (etcd
	 * restored from an old backup, or wiped), so that no later node gets that ID.
	 */
	CompletableFuture<Long> reserve(long serverId) {
		return update((current) -> Math.max(current, serverId), "raise to " + serverId + " the server ID counter",
				MAX_ATTEMPTS);
	}

	/**
	 * Sets the counter (0 when absent) to {@code change} of its value by compare-and-swap,
	 * unless that leaves it as it is.
	 * @return the counter's value afterwards
	 */
	private CompletableFuture<Long> update(LongUnaryOperator change, String purpose, int attempts) {
		if (attempts == 0) {
			return CompletableFuture.failedFuture(new EtcdFailure(EtcdFailure.Kind.FAILED, "Could not " + purpose + " '"
					+ this.counterKey + "' after " + MAX_ATTEMPTS
					+ " attempts: too many nodes are starting at once; the node will retry"));
		}
		return this.etcd.get(this.counterKey, null).thenCompose((range) -> {
			List<KeyValue> found = range.keyValues();
			long value = found.isEmpty() ? 0 : parse(found.get(0).value());
			Compare unchanged = found.isEmpty() ? Compare.version(this.counterKey, Operator.EQUAL, 0)
					: Compare.modRevision(this.counterKey, Operator.EQUAL, found.get(0).modRevision());
			long next = change.applyAsLong(value);
			if (next == value && !found.isEmpty()) {
				return CompletableFuture.completedFuture(value);
			}
			Txn swap = new Txn(List.of(unchanged),
					List.of(new Operation.Put(this.counterKey, Long.toString(next), 0)), List.of());
			return this.etcd.txn(swap)
				.thenCompose((result) -> result.succeeded() ? CompletableFuture.completedFuture(next)
						: update(change, purpose, attempts - 1));
		});
	}

	private long parse(String value) {
		String text = value.strip();
		try {
			long id = Long.parseLong(text);
			if (id >= 0) {
				return id;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new EtcdFailure(EtcdFailure.Kind.FAILED, "The server ID counter '" + this.counterKey + "' holds '"
				+ abbreviate(text) + "', not a non-negative number. Fix: restore it to the highest server ID"
				+ " in use (see the keys under its folder), or point ha.etcd.root-path at a path of your own");
	}

	private static String abbreviate(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

}
