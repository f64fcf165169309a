package io.github.coordinatorha;

/**
 * Why a role changed state on this node.
 *
 * @since 0.1.0
 */
public enum TransitionReason {

	/**
	 * The node is joining the election and has not decided yet.
	 */
	STARTING,

	/**
	 * Active-standby is disabled for the role, so the node serves it without an election,
	 * as Milvus does by default.
	 */
	HA_DISABLED,

	/**
	 * This node won the role's ACTIVE key.
	 */
	ELECTED,

	/**
	 * Another node holds the role's ACTIVE key.
	 */
	ANOTHER_NODE_ACTIVE,

	/**
	 * etcd could not be reached to open or renew this node's session.
	 */
	ETCD_UNAVAILABLE,

	/**
	 * This node's lease was lost or could no longer be proven alive before its deadline.
	 */
	SESSION_LOST,

	/**
	 * The ACTIVE key this node held was deleted or replaced behind its back.
	 */
	ACTIVE_KEY_LOST,

	/**
	 * This node handed the role over on request.
	 */
	RESIGNED,

	/**
	 * A {@link BecameActiveEvent} listener failed, so this node gave the role up.
	 */
	ACTIVATION_FAILED,

	/**
	 * The application is shutting down.
	 */
	SHUTDOWN,

	/**
	 * etcd's history went back under this node (etcd was wiped, or restored from an older
	 * backup) or its epoch was raised: this node gave its term up so that the next term
	 * carries a larger fencing token than every term before.
	 * @since 0.2.0
	 */
	ETCD_REWOUND,

	/**
	 * This node, while active, handed the role on its own to a standby that ranks above
	 * it under the role's successor policy ({@code preempt: true}).
	 * @since 0.2.0
	 */
	PREEMPTED

}
