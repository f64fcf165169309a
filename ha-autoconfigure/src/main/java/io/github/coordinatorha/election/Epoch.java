package io.github.coordinatorha.election;

import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Compare.Operator;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import org.jspecify.annotations.Nullable;

/**
 * The epoch of etcd's history as its key holds it: {@code 0} while the key is absent,
 * raised by a node that lived through a wipe or a restore from an older backup. The first
 * claim of a history creates the key, as {@code 0} followed by a mark of that claim (its
 * lease and session), so that the key's value tells two histories apart even when their
 * epochs and revisions are equal, as they are after a wipe that no node saw. Claims
 * compare it, so a claim made on an old reading of the epoch fails; guarded writes
 * compare its value as their term found it.
 *
 * @param value the epoch
 * @param modRevision the key's mod revision, {@code 0} while it is absent
 * @param raw the key's value, empty while it is absent
 */
record Epoch(long value, long modRevision, String raw) {

	static final Epoch NONE = new Epoch(0, 0, "");

	/**
	 * The value the first claim of a history gives the epoch key: epoch {@code 0} and a
	 * mark that no claim of another history shares.
	 * @param leaseId the claimer's lease
	 * @param registeredAt when the claimer's session opened
	 */
	static String first(long leaseId, String registeredAt) {
		return "0 " + Long.toHexString(leaseId) + "@" + registeredAt;
	}

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
			String raw = keyValue.value();
			String number = raw.strip().split("\\s+", 2)[0];
			long value = Long.parseLong(number);
			if (value >= 0) {
				return new Epoch(value, keyValue.modRevision(), raw);
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new EtcdFailure(EtcdFailure.Kind.FAILED, "The epoch key '" + key + "' holds '" + keyValue.value()
				+ "', not a non-negative number (with an optional mark after a space). Fix: put back the highest epoch your fenced stores have seen"
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
