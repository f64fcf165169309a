package io.github.coordinatorha;

/**
 * Thrown when an operation needs this node to be active for a role and it is not.
 *
 * @since 0.1.0
 */
public class NotActiveException extends IllegalStateException {

	private final transient RoleStatus status;

	public NotActiveException(RoleStatus status) {
		super(describe(status));
		this.status = status;
	}

	/**
	 * The role's status when the operation was refused.
	 * @return the status
	 */
	public RoleStatus getStatus() {
		return this.status;
	}

	private static String describe(RoleStatus status) {
		String active = (status.activeAddress() != null)
				? "the active node is serverId " + status.activeServerId() + " at " + status.activeAddress()
				: "no active node is known";
		if (status.state() == RoleState.ACTIVE) {
			return "This node has just become ACTIVE for role '" + status.role()
					+ "' and does not serve it yet: its activation is still running";
		}
		return "This node is not ACTIVE for role '" + status.role() + "' (" + status.state() + ", " + status.reason()
				+ "); " + active;
	}

}
