package io.github.coordinatorha;

import java.util.Map;

import io.etcd.jetcd.op.Cmp;

/**
 * What this node knows of its roles, and the fencing that keeps a deposed active from
 * winning a write. Available as a bean.
 * <p>
 * Every answer is made against this node's own lease deadline on the monotonic clock,
 * not against a cached flag: the node never reports {@code ACTIVE} past the moment its
 * lease could have expired on the etcd server.
 *
 * @since 0.1.0
 */
public interface ActiveStandby {

	/**
	 * Whether this node serves the role now.
	 * @param role the role's name, for example {@code rootCoord}
	 * @return {@code true} if ACTIVE
	 * @throws IllegalArgumentException if the role is not configured
	 */
	boolean isActive(String role);

	/**
	 * The role's status now.
	 * @param role the role's name
	 * @return the status
	 * @throws IllegalArgumentException if the role is not configured
	 */
	RoleStatus status(String role);

	/**
	 * The status of every configured role, keyed and ordered by role name.
	 * @return the statuses
	 */
	Map<String, RoleStatus> statuses();

	/**
	 * The fencing token of this node's current term for the role.
	 * @param role the role's name
	 * @return the token
	 * @throws NotActiveException if this node is not active for the role
	 * @throws IllegalStateException if the role has active-standby disabled and so has
	 * no term
	 */
	FencingToken fencingToken(String role);

	/**
	 * A comparison to put in the {@code If} of an etcd transaction so that it succeeds
	 * only while this node still holds the role in its current term:
	 * <pre class="code">
	 * kv.txn().If(activeStandby.fencingGuard("rootCoord")).Then(put).commit()
	 * </pre>
	 * A deposed active's transaction then fails even if it has not noticed yet.
	 * @param role the role's name
	 * @return the guard
	 * @throws NotActiveException if this node is not active for the role
	 * @throws IllegalStateException if the role has active-standby disabled
	 */
	Cmp fencingGuard(String role);

	/**
	 * The guard of a term whose token was taken earlier, for work that began in that
	 * term: the transaction succeeds only while the role's ACTIVE key is still the one
	 * of that term, whatever this node believes now. Never throws for a term that has
	 * ended; the transaction fails instead.
	 * @param token a token from {@link #fencingToken(String)}
	 * @return the guard
	 * @throws IllegalArgumentException if the token's role is not configured
	 * @throws IllegalStateException if the role has active-standby disabled
	 */
	Cmp fencingGuard(FencingToken token);

	/**
	 * Hands the role over to a standby, for a rolling upgrade: if this node is active
	 * and a standby is registered, this node resigns and the oldest standby takes over
	 * within milliseconds; this node stays a candidate. Never leaves the role without a
	 * candidate: with no standby, nothing is done.
	 * @param role the role's name
	 * @return what happened
	 * @throws IllegalArgumentException if the role is not configured
	 */
	Handover handOver(String role);

}
