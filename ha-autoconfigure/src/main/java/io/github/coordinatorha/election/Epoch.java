package io.github.coordinatorha.election;

import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Compare.Operator;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import org.jspecify.annotations.Nullable;

/**
 * The epoch of etcd's history as its key holds it: {@code 0} while the key is absent (a
 * history no node has seen rewound), raised by a node that lived through a wipe or a
 * restore from an older backup. Claims compare it, so a claim made on an old reading of
 * the epoch fails.
 *
 * @param value the epoch
 * @param modRevision the key's mod revision, {@code 0} while it is absent
 */
record Epoch(long value, long modRevision) {

	static final Epoch NONE = new Epoch(0, 0);

	/**
	 * The epoch a read of its key found.
	 * @param keyValue the key, or {@code null} if absent
	 * @param key the key's name, for messages
	 * @return the epoch
	 */
	static Epoch of(@Nullable KeyValue keyValue, String key) {
		if (keyValue == null) {
			return NONE;
		}
		try {
			long value = Long.parseLong(keyValue.value().strip());
			if (value >= 0) {
				return new Epoch(value, keyValue.modRevision());
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new EtcdFailure(EtcdFailure.Kind.FAILED, "The epoch key '" + key + "' holds '" + keyValue.value()
				+ "', not a non-negative number. Fix: put back the highest epoch your fenced stores have seen"
				+ " (0 if none), for example: etcdctl put " + key + " 1");
	}

	/**
	 * The comparison that holds while the key is as this reading found it.
	 */
	Compare unchanged(String key) {
		return (this.modRevision == 0) ? Compare.version(key, Operator.EQUAL, 0)
				: Compare.modRevision(key, Operator.EQUAL, this.modRevision);
	}

}
