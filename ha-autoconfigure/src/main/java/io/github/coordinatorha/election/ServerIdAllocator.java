package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;

/**
 * Allocates a server ID from the counter key as Milvus does: read the counter, then
 * compare-and-swap it one higher. IDs start at 1, are unique across the cluster and are
 * never handed out twice. Runs on the session thread; it may block there.
 */
final class ServerIdAllocator {

	private static final int MAX_ATTEMPTS = 64;

	private final KV kv;

	private final String counterKey;

	private final Duration timeout;

	ServerIdAllocator(KV kv, EtcdKeys keys, Duration timeout) {
		this.kv = kv;
		this.counterKey = keys.serverIdCounter();
		this.timeout = timeout;
	}

	long allocate() throws Exception {
		return update((current) -> current + 1, "allocate a server ID from");
	}

	/**
	 * Raises the counter to a server ID already in use, when it is lower or gone (etcd
	 * restored from an old backup, or wiped), so that no later node gets that ID.
	 */
	void reserve(long serverId) throws Exception {
		update((current) -> Math.max(current, serverId), "raise to " + serverId + " the server ID counter");
	}

	/**
	 * Sets the counter (0 when absent) to {@code change} of its value by compare-and-swap,
	 * unless that leaves it as it is.
	 * @return the counter's value afterwards
	 */
	private long update(LongUnaryOperator change, String purpose) throws Exception {
		ByteSequence key = EtcdCalls.bytes(this.counterKey);
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			GetResponse current = EtcdCalls.await(EtcdCalls.bounded(this.kv.get(key), this.timeout), this.timeout);
			long value = 0;
			Cmp unchanged = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
			if (!current.getKvs().isEmpty()) {
				KeyValue counter = current.getKvs().get(0);
				value = parse(counter.getValue());
				unchanged = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(counter.getModRevision()));
			}
			long next = change.applyAsLong(value);
			if (next == value && !current.getKvs().isEmpty()) {
				return value;
			}
			TxnResponse swap = EtcdCalls.await(EtcdCalls.bounded(this.kv.txn()
				.If(unchanged)
				.Then(Op.put(key, EtcdCalls.bytes(Long.toString(next)), PutOption.DEFAULT))
				.commit(), this.timeout), this.timeout);
			if (swap.isSucceeded()) {
				return next;
			}
		}
		throw new IllegalStateException("Could not " + purpose + " '" + this.counterKey + "' after " + MAX_ATTEMPTS
				+ " attempts: too many nodes are starting at once; the node will retry");
	}

	private long parse(ByteSequence value) {
		String text = EtcdCalls.string(value).strip();
		try {
			long id = Long.parseLong(text);
			if (id >= 0) {
				return id;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalStateException("The server ID counter '" + this.counterKey + "' holds '"
				+ abbreviate(text) + "', not a non-negative number. Fix: restore it to the highest server ID"
				+ " in use (see the keys under its folder), or point ha.etcd.root-path at a path of your own");
	}

	private static String abbreviate(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

}
