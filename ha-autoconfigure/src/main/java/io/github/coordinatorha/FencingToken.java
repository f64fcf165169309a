package io.github.coordinatorha;

/**
 * Proof of one term of a role, as one {@code long} that grows with every term: the epoch
 * of etcd's history in the top bits, and the revision at which the term began (the mod
 * revision of the role's ACTIVE key: a claim creates it, a handover rewrites it) in the
 * low 47 bits.
 * <p>
 * etcd revisions form one cluster-wide counter that grows, so within one history every
 * later term carries a larger revision. A wiped etcd, or one restored from an older
 * backup, starts its revisions again from a lower number: a node that lived through that
 * raises the epoch (a key in etcd) past every token it remembers before it competes
 * again, so a term of the new history carries a larger token than every term of the old
 * one. Systems outside etcd that accept writes from the active node should store the
 * highest {@link #value()} they have seen per role and reject any write that carries a
 * lower one: a deposed active, which still holds an old token, can then never win a
 * write.
 * <p>
 * A role whose active-standby mode is disabled has no term: work that asks for a token
 * there ({@link ActiveOnlyContext#fencingToken()}) gets {@link #unfenced(String)}, a
 * token that guards nothing, with value {@code 0}, lower than every real term.
 *
 * @param role the role's name, for example {@code rootCoord}
 * @param value the token: the epoch shifted left by {@value #REVISION_BITS} bits, plus
 * the revision; positive, {@code 0} only for an {@linkplain #unfenced(String) unfenced}
 * token
 * @since 0.1.0
 */
public record FencingToken(String role, long value) implements Comparable<FencingToken> {

	/**
	 * The bits of a token that hold the revision: up to 2^47 (about 1.4e14) revisions,
	 * with 16 bits of epoch above them and the sign bit clear.
	 */
	public static final int REVISION_BITS = 47;

	private static final long REVISION_MASK = (1L << REVISION_BITS) - 1;

	private static final long MAX_EPOCH = (1L << (63 - REVISION_BITS)) - 1;

	public FencingToken {
		if (value < 0) {
			throw new IllegalArgumentException("A fencing token is not negative, got " + value);
		}
	}

	/**
	 * The token of a term.
	 * @param role the role's name
	 * @param epoch the epoch of etcd's history the term was won in, from {@code 0}
	 * @param revision the mod revision of the ACTIVE key that began the term, positive
	 * @return the token
	 */
	public static FencingToken of(String role, long epoch, long revision) {
		if (epoch < 0 || epoch > MAX_EPOCH) {
			throw new IllegalArgumentException("An epoch is between 0 and " + MAX_EPOCH + ", got " + epoch);
		}
		if (revision <= 0 || revision > REVISION_MASK) {
			throw new IllegalArgumentException("A revision is between 1 and " + REVISION_MASK + ", got " + revision);
		}
		return new FencingToken(role, (epoch << REVISION_BITS) | revision);
	}

	/**
	 * The token of a role whose active-standby mode is disabled: it guards nothing, since
	 * every node serves such a role. Its value is {@code 0}, lower than every real term,
	 * so a store that keeps the highest token it has seen accepts it only until a node in
	 * active-standby mode has written.
	 * @param role the role's name
	 * @return the token
	 */
	public static FencingToken unfenced(String role) {
		return new FencingToken(role, 0);
	}

	/**
	 * Whether this token proves a term: {@code false} for an
	 * {@linkplain #unfenced(String) unfenced} token.
	 * @return {@code true} if it carries an etcd revision
	 */
	public boolean isFenced() {
		return this.value > 0;
	}

	/**
	 * The epoch of etcd's history the term was won in: {@code 0} until etcd was first
	 * wiped or restored from a backup under a live node.
	 * @return the epoch
	 */
	public long epoch() {
		return this.value >>> REVISION_BITS;
	}

	/**
	 * The mod revision of the role's ACTIVE key that began the term, in the term's
	 * history, which the fencing guard of an etcd transaction compares; {@code 0} for an
	 * unfenced token.
	 * @return the revision
	 */
	public long revision() {
		return this.value & REVISION_MASK;
	}

	/**
	 * Whether this token belongs to a later term of the same role than {@code other}.
	 * @param other the token to compare with
	 * @return {@code true} if this token is newer
	 */
	public boolean isNewerThan(FencingToken other) {
		return this.role.equals(other.role) && this.value > other.value;
	}

	@Override
	public int compareTo(FencingToken other) {
		return Long.compare(this.value, other.value);
	}

	@Override
	public String toString() {
		if (!isFenced()) {
			return this.role + "@unfenced";
		}
		return this.role + "@" + this.value
				+ ((epoch() != 0) ? " (epoch " + epoch() + ", revision " + revision() + ")" : "");
	}

}
