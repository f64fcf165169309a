package io.github.coordinatorha;

import java.util.Map;

import io.etcd.jetcd.op.Cmp;

/**
 * What this node knows of its roles, and the fencing that keeps a deposed active from
 * winning a write. Available as a bean.
 * <p>
 * Every answer is made against this node's own lease deadline on the monotonic clock, not
 * against a cached flag: the node never reports {@code ACTIVE} past the moment its lease
 * could have expired on the etcd server.
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
	 * @throws IllegalStateException if the role has active-standby disabled and so has no
	 * term
	 */
	FencingToken fencingToken(String role);

	/**
	 * A comparison to put in the {@code If} of an etcd transaction so that it succeeds
	 * only while this node still holds the role in its current term:
	 *
	 * <pre class="code">
	 * kv.txn().If(activeStandby.fencingGuard("rootCoord")).Then(put).commit()
	 * </pre> A deposed active's transaction then fails even if it has not noticed yet.
	 * @param role the role's name
	 * @return the guard
	 * @throws NotActiveException if this node is not active for the role
	 * @throws IllegalStateException if the role has active-standby disabled
	 */
	Cmp fencingGuard(String role);

	/**
	 * The guard of a term whose token was taken earlier, for work that began in that
	 * term: the transaction succeeds only while the role's ACTIVE key is still the one of
	 * that term, whatever this node believes now. Never throws for a term that has ended;
	 * the transaction fails instead.
	 * @param token a token from {@link #fencingToken(String)}
	 * @return the guard
	 * @throws IllegalArgumentException if the token's role is not configured
	 * @throws IllegalStateException if the role has active-standby disabled
	 */
	Cmp fencingGuard(FencingToken token);

	/**
	 * The comparison that holds while etcd's history is the one {@code token}'s term was
	 * won in, for the {@code If} of a transaction beside the
	 * {@linkplain #fencingGuard(FencingToken) fencing guard}:
	 *
	 * <pre class="code">
	 * kv.txn().If(activeStandby.fencingGuard(token), activeStandby.epochGuard(token)).Then(put).commit()
	 * </pre> The fencing guard compares a revision, and revisions start again from a
	 * lower number when etcd is wiped or restored from an older backup. This guard
	 * compares the epoch key's value as it was when the term was won: the first claim of
	 * every history marks that key, and a node that lived through a rewind raises it, so
	 * the guard fails for every term of an older history, and an old revision that comes
	 * round again in the new history cannot let a deposed node win a write. It is this
	 * node's guard: for a token of no recent term of this node it never holds.
	 * @param token a token from {@link #fencingToken(String)}, taken on this node
	 * @return the guard
	 * @throws IllegalArgumentException if the token's role is not configured or the token
	 * is unfenced
	 * @throws IllegalStateException if the role has active-standby disabled
	 * @since 0.2.0
	 */
	Cmp epochGuard(FencingToken token);

	/**
	 * Tells the election that a fenced store refused {@code refused} because it has
	 * accepted a token as high as {@code highestAccepted}: etcd's history went back (a
	 * wipe, or a restore from an older backup) with no node left that remembers the older
	 * one, so the terms won since carry lower tokens than the store has seen. The node
	 * raises the epoch of etcd's history past that token's, which makes the active step
	 * down; the next term's token is larger than {@code highestAccepted}. Nothing happens
	 * when {@code refused} is not lower, or when the epoch is past it already.
	 * @param refused the token the store refused
	 * @param highestAccepted the highest token value the store has accepted for the role
	 * @throws IllegalArgumentException if the token's role is not configured
	 * @since 0.2.0
	 */
	void tokenRefused(FencingToken refused, long highestAccepted);

	/**
	 * Hands the role over to a standby, for a rolling upgrade: if this node is active and
	 * a standby is registered, this node resigns and the oldest standby takes over within
	 * milliseconds; this node stays a candidate. Never leaves the role without a
	 * candidate: with no standby, nothing is done.
	 * @param role the role's name
	 * @return what happened
	 * @throws IllegalArgumentException if the role is not configured
	 */
	Handover handOver(String role);

	/**
	 * Hands the role over to the standby with {@code serverId}, as
	 * {@link #handOver(String)} does for the best one. Naming a server ID that has no
	 * live session for the role, this node's own among them, changes nothing and answers
	 * {@link Handover.Outcome#NOT_A_CANDIDATE}.
	 * @param role the role's name
	 * @param serverId the server ID of the standby to hand the role to
	 * @return what happened
	 * @throws IllegalArgumentException if the role is not configured or the server ID is
	 * not positive
	 * @since 0.2.0
	 */
	Handover handOver(String role, long serverId);

}
