package io.github.coordinatorha;

/**
 * Proof of one term of a role: the create revision of the role's ACTIVE key in etcd.
 * <p>
 * etcd revisions form one cluster-wide counter that only grows, so every later term
 * of a role carries a larger token. Systems outside etcd that accept writes from the
 * active node should store the highest token they have seen per role and reject any
 * write that carries a lower one: a deposed active, which still holds an old token,
 * can then never win a write.
 * <p>
 * A role whose active-standby mode is disabled has no term: work that asks for a token
 * there ({@link ActiveOnlyContext#fencingToken()}) gets {@link #unfenced(String)}, a
 * token that guards nothing, with revision {@code 0}, lower than every real term.
 *
 * @param role the role's name, for example {@code rootCoord}
 * @param revision the create revision of the ACTIVE key, positive; {@code 0} only for
 * an {@linkplain #unfenced(String) unfenced} token
 * @since 0.1.0
 */
public record FencingToken(String role, long revision) implements Comparable<FencingToken> {

	public FencingToken {
		if (revision < 0) {
			throw new IllegalArgumentException("A fencing token is a positive etcd revision, got " + revision);
		}
	}

	/**
	 * The token of a role whose active-standby mode is disabled: it guards nothing, since
	 * every node serves such a role. Its revision is {@code 0}, lower than every real
	 * term, so a store that keeps the highest token it has seen accepts it only until a
	 * node in active-standby mode has written.
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
		return this.revision > 0;
	}

	/**
	 * Whether this token belongs to a later term of the same role than {@code other}.
	 * @param other the token to compare with
	 * @return {@code true} if this token is newer
	 */
	public boolean isNewerThan(FencingToken other) {
		return this.role.equals(other.role) && this.revision > other.revision;
	}

	@Override
	public int compareTo(FencingToken other) {
		return Long.compare(this.revision, other.revision);
	}

	@Override
	public String toString() {
		return this.role + "@" + (isFenced() ? Long.toString(this.revision) : "unfenced");
	}

}
