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
	 * This node is a candidate that does not serve the role: another node is active, or
	 * the role is between actives and this node may compete for it.
	 */
	STANDBY,

	/**
	 * This node takes no part in the election yet, or no longer: it has no session in
	 * etcd (it is starting, etcd cannot be reached, or its session was lost), or it has
	 * just opened one and knows of no active node. It does not serve the role. It is not
	 * a standby: scripts and probes that wait for STANDBY wait past this state.
	 * @since 0.2.0
	 */
	JOINING

}
