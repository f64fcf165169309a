package io.github.coordinatorha;

/**
 * Proof of one term of a role: the create revision of the role's ACTIVE key in etcd.
 * <p>
 * etcd revisions form one cluster-wide counter that only grows, so every later term
 * of a role carries a larger token. Systems outside etcd that accept writes from the
 * active node should store the highest token they have seen per role and reject any
 * write that carries a lower one: a deposed active, which still holds an old token,
 * can then never win a write.
 *
 * @param role the role's name, for example {@code rootCoord}
 * @param revision the create revision of the ACTIVE key, always positive
 * @since 0.1.0
 */
public record FencingToken(String role, long revision) implements Comparable<FencingToken> {

	public FencingToken {
		if (revision <= 0) {
			throw new IllegalArgumentException("A fencing token is a positive etcd revision, got " + revision);
		}
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
		return this.role + "@" + this.revision;
	}

}
