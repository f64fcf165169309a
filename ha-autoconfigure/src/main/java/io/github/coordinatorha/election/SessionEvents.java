package io.github.coordinatorha.election;

/**
 * What a role tells the node's session about it, from what etcd answered the role.
 */
interface SessionEvents {

	/**
	 * etcd answered a call made under {@code lease} with "lease not found": the session
	 * is gone.
	 */
	void leaseNotFound(SessionLease lease);

	/**
	 * Another live process holds this node's session key under its own lease: the server
	 * ID is in use twice.
	 */
	void identityTaken(SessionLease lease, long otherLease);

}
