package io.github.coordinatorha;

/**
 * The state of one role on this node, as Milvus names it.
 *
 * @since 0.1.0
 */
public enum RoleState {

	/**
	 * This node holds the role's ACTIVE key under a live lease and serves the role.
	 */
	ACTIVE,

	/**
	 * This node does not serve the role: another node is active, the election is
	 * undecided, or etcd cannot confirm this node's claim.
	 */
	STANDBY

}
