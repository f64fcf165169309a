package io.github.coordinatorha;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * A change of state of one role on this node. Events of one role are published in order
 * on the starter's own thread for that role, never on an etcd client thread.
 *
 * @since 0.1.0
 */
public abstract class RoleTransitionEvent extends ApplicationEvent {

	private final RoleStatus status;

	protected RoleTransitionEvent(Object source, RoleStatus status) {
		super(source);
		this.status = status;
	}

	/**
	 * The role's status right after the transition.
	 * @return the status
	 */
	public RoleStatus getStatus() {
		return this.status;
	}

	/**
	 * The role's name, for example {@code rootCoord}.
	 * @return the role
	 */
	public String getRole() {
		return this.status.role();
	}

	/**
	 * Why the role changed state.
	 * @return the reason
	 */
	public TransitionReason getReason() {
		return this.status.reason();
	}

	/**
	 * This node's server ID, or {@code 0} for a role that needs no etcd.
	 * @return the server ID
	 */
	public long getServerId() {
		return this.status.serverId();
	}

	/**
	 * The active node's server ID, or {@code 0} when unknown.
	 * @return the active's server ID
	 */
	public long getActiveServerId() {
		return this.status.activeServerId();
	}

	/**
	 * The active node's advertised address, or {@code null} when unknown.
	 * @return the active's address
	 */
	public @Nullable String getActiveAddress() {
		return this.status.activeAddress();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.status + "]";
	}

}
