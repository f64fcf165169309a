package io.github.coordinatorha;

/**
 * The answer to a request to hand a role over to a standby.
 *
 * @param role the role
 * @param outcome what happened
 * @param successorServerId the server ID of the standby expected to take over, or
 * {@code 0}
 * @param message a sentence for an operator
 * @since 0.1.0
 */
public record Handover(String role, Outcome outcome, long successorServerId, String message) {

	/**
	 * Whether the role was given up.
	 * @return {@code true} if handed over
	 */
	public boolean isHandedOver() {
		return this.outcome == Outcome.HANDED_OVER;
	}

	/**
	 * What a handover request did.
	 */
	public enum Outcome {

		/**
		 * This node gave the role up: to the standby named, in one write (or, for a
		 * standby of an older version, by resigning: it takes over at once). This node
		 * stays a candidate, at the back of the queue.
		 */
		HANDED_OVER,

		/**
		 * Nothing was done: this node is not active for the role.
		 */
		NOT_ACTIVE,

		/**
		 * Nothing was done: no standby is registered, and resigning would leave the role
		 * with no one to serve it.
		 */
		NO_STANDBY,

		/**
		 * Nothing was done: the server ID named has no live session for the role that
		 * could take it.
		 * @since 0.2.0
		 */
		NOT_A_CANDIDATE,

		/**
		 * Nothing was done: the role has active-standby disabled.
		 */
		HA_DISABLED,

		/**
		 * etcd did not confirm the resignation in time; the role may or may not have
		 * moved.
		 */
		UNKNOWN

	}

}
