package io.github.coordinatorha.election;

import io.etcd.jetcd.op.Cmp;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Compare.Operator;
import org.jspecify.annotations.Nullable;

/**
 * The comparison that holds while etcd's history is the one a token's term was won in:
 * the epoch key's value as it was when the term was won (absent if it was absent then).
 * The value carries the mark of its history's first claim, so a term of a wiped etcd's
 * new history whose epoch and revision equal an old term's does not pass the old term's
 * guard.
 */
final class EpochGuards {

	private EpochGuards() {
	}

	/**
	 * The guard for a jetcd transaction.
	 * @param epochKey the epoch key
	 * @param token the term's token
	 * @param epoch the epoch as the term found it, or {@code null} if this node won no
	 * recent term with that token: then the comparison never holds
	 */
	static Cmp of(String epochKey, FencingToken token, @Nullable Epoch epoch) {
		return JetcdGateway.cmp(compare(epochKey, token, epoch));
	}

	static Compare compare(String epochKey, FencingToken token, @Nullable Epoch epoch) {
		if (!token.isFenced()) {
			throw new IllegalArgumentException("An unfenced token guards nothing: take the token of a term with"
					+ " ActiveStandby.fencingToken(\"" + token.role() + "\") or inside an @ActiveOnly call");
		}
		if (epoch == null) {
			// no version is negative: a token of no term of this node guards no write
			return Compare.version(epochKey, Operator.EQUAL, -1);
		}
		return epoch.raw().isEmpty() ? Compare.version(epochKey, Operator.EQUAL, 0)
				: Compare.value(epochKey, Operator.EQUAL, epoch.raw());
	}

}
