package io.github.coordinatorha.election;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Compare.Operator;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Txn;

/**
 * Allocates server IDs from the counter key exactly as Milvus does
 * ({@code session_util.go}: {@code checkIDExist}, {@code getServerIDWithKey}): put "1" if
 * the key is absent, read its value v, compare-and-swap it to v + 1, and use v. The
 * counter holds the next free ID, so Milvus's own nodes and ours can share it. IDs start
 * at 1 and are never handed out twice. Every step is a future on the gateway: nothing
 * blocks.
 */
final class ServerIdAllocator {

	private static final int MAX_ATTEMPTS = 64;

	private final EtcdGateway etcd;

	private final String counterKey;

	ServerIdAllocator(EtcdGateway etcd, EtcdKeys keys) {
		this.etcd = etcd;
		this.counterKey = keys.serverIdCounter();
	}

	/**
	 * Allocates the next free server ID.
	 * @return the ID
	 */
	CompletableFuture<Long> allocate() {
		Txn createIfAbsent = new Txn(List.of(Compare.version(this.counterKey, Operator.EQUAL, 0)),
				List.of(new Operation.Put(this.counterKey, "1", 0)), List.of());
		return this.etcd.txn(createIfAbsent).thenCompose((created) -> take(MAX_ATTEMPTS));
	}

	private CompletableFuture<Long> take(int attempts) {
		if (attempts == 0) {
			return CompletableFuture.failedFuture(new EtcdFailure(EtcdFailure.Kind.FAILED,
					"Could not allocate a server" + " ID from '" + this.counterKey + "' after " + MAX_ATTEMPTS
							+ " attempts: too many nodes are starting at once; the node will retry"));
		}
		return this.etcd.get(this.counterKey, null).thenCompose((range) -> {
			List<KeyValue> found = range.keyValues();
			if (found.isEmpty()) {
				return allocate();
			}
			long next = parse(found.get(0).value());
			Txn swap = new Txn(
					List.of(Compare.modRevision(this.counterKey, Operator.EQUAL, found.get(0).modRevision())),
					List.of(new Operation.Put(this.counterKey, Long.toString(next + 1), 0)), List.of());
			return this.etcd.txn(swap)
				.thenCompose(
						(result) -> result.succeeded() ? CompletableFuture.completedFuture(next) : take(attempts - 1));
		});
	}

	private long parse(String value) {
		String text = value.strip();
		try {
			long id = Long.parseLong(text);
			if (id >= 1) {
				return id;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new EtcdFailure(EtcdFailure.Kind.FAILED,
				"The server ID counter '" + this.counterKey + "' holds '" + abbreviate(text)
						+ "', not a positive number. Fix: set it to one more than the highest server ID"
						+ " in use (see the keys under its folder), or point ha.etcd.root-path at a path of your own");
	}

	private static String abbreviate(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

}
