package io.github.coordinatorha.election;

/**
 * Receives changes of this node's session. Called on the session thread; implementations
 * hand the work to their own thread and return at once.
 */
interface SessionListener {

	/**
	 * A lease was granted and the node has its server ID.
	 */
	void sessionEstablished(SessionLease lease);

	/**
	 * An attempt to open a session failed; the node retries.
	 */
	void sessionUnavailable(String reason);

	/**
	 * The lease can no longer be proven alive: it was revoked, expired, or its deadline
	 * on our monotonic clock is about to pass without a renewal.
	 */
	void sessionLost(SessionLease lease, String reason);

}
