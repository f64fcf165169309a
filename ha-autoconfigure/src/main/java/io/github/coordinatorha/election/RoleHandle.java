package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.op.Cmp;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleStatus;

/**
 * One role on this node, elected or not, as {@link ElectionNode} drives it.
 */
interface RoleHandle {

	String name();

	RoleStatus status();

	default boolean isActive() {
		return status().isActive();
	}

	FencingToken fencingToken();

	Cmp fencingGuard();

	Cmp fencingGuard(FencingToken token);

	Cmp epochGuard(FencingToken token);

	/**
	 * Hands the role over, to the candidate with {@code serverId} or, for {@code 0}, to
	 * the best; blocks the caller until answered, within a bound.
	 */
	Handover handOver(long serverId);

	/**
	 * Reads every registered session of the role from etcd; blocks the caller within the
	 * request timeout.
	 */
	List<RegisteredSession> registeredSessions() throws Exception;

	/**
	 * This node's place in line for the role as its own view shows it, without a read:
	 * {@code 1} takes the role next; {@code 0} while this node is active, has no session,
	 * or cannot take the role.
	 */
	int rank();

	void start();

	/**
	 * Stops competing. An active role first lets its work end and publishes its
	 * {@code BecameStandbyEvent}.
	 * @return completes when the role holds nothing the node must wait for before it
	 * revokes its lease
	 */
	CompletableFuture<Void> stop();

	/**
	 * Waits, within {@code timeout}, until the role's events are published. Called on the
	 * lifecycle thread once the session is closed.
	 */
	void close(Duration timeout);

}
