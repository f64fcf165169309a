package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.op.Cmp;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleStatus;

/**
 * One role on this node, elected or not.
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

	Handover handOver();

	/**
	 * Reads every registered session of the role from etcd, on the caller's thread.
	 */
	List<RegisteredSession> registeredSessions() throws Exception;

	void start();

	/**
	 * Stops competing and steps down locally at once, without publishing yet.
	 * @return the status to announce once the session is closed, or {@code null} if
	 * the role was not active
	 */
	RoleStatus stop();

	/**
	 * Publishes the stop announced by {@link #stop()} and releases the role's threads.
	 */
	void close(RoleStatus farewell, Duration timeout);

}
