package io.github.coordinatorha.election;

import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.github.coordinatorha.FencingToken;

/**
 * The comparison that holds while etcd's history is the one a token's term was won in:
 * the epoch key absent for epoch {@code 0}, holding the token's epoch otherwise.
 */
final class EpochGuards {

	private EpochGuards() {
	}

	static Cmp of(String epochKey, FencingToken token) {
		if (!token.isFenced()) {
			throw new IllegalArgumentException("An unfenced token guards nothing: take the token of a term with"
					+ " ActiveStandby.fencingToken(\"" + token.role() + "\") or inside an @ActiveOnly call");
		}
		return (token.epoch() == 0) ? new Cmp(JetcdGateway.bytes(epochKey), Cmp.Op.EQUAL, CmpTarget.version(0))
				: new Cmp(JetcdGateway.bytes(epochKey), Cmp.Op.EQUAL,
						CmpTarget.value(JetcdGateway.bytes(Long.toString(token.epoch()))));
	}

}
