package io.github.coordinatorha.autoconfigure;

import io.github.coordinatorha.election.SuccessorPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The active-standby toggle of one role, for example under {@code rootCoord}. Both Milvus
 * spellings are accepted: {@code rootCoord.activeStandby.enabled} (Helm values) and
 * {@code rootCoord.enableActiveStandby} (milvus.yaml, and
 * {@code ROOT_COORD_ENABLE_ACTIVE_STANDBY} in docker-compose files).
 *
 * @since 0.1.0
 */
public class CoordinatorProperties {

	private final ActiveStandby activeStandby = new ActiveStandby();

	/**
	 * Whether the role runs in active-standby mode, in milvus.yaml's spelling. Same as
	 * {@code activeStandby.enabled}; setting both to different values is an error.
	 */
	private @Nullable Boolean enableActiveStandby;

	public ActiveStandby getActiveStandby() {
		return this.activeStandby;
	}

	public @Nullable Boolean getEnableActiveStandby() {
		return this.enableActiveStandby;
	}

	public void setEnableActiveStandby(@Nullable Boolean enableActiveStandby) {
		this.enableActiveStandby = enableActiveStandby;
	}

	/**
	 * The role's active-standby settings.
	 */
	public static class ActiveStandby {

		/**
		 * Whether the role runs in active-standby mode: its nodes compete in etcd and one
		 * serves while the others stand by. When disabled (the default, as in Milvus) the
		 * node simply serves the role and needs no etcd.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Which candidate takes the role when its active gives it up, and which standby
		 * competes first when it has no active: oldest (the one that has waited longest),
		 * priority (the highest priority, ties to the oldest) or newest-version (the
		 * newest version in the session, so that a rolling upgrade hands the role to an
		 * upgraded node; ties to the oldest). Every node of the role should say the same.
		 */
		private SuccessorPolicy successor = SuccessorPolicy.OLDEST;

		/**
		 * This node's priority for the role, for the priority successor policy: higher
		 * goes first.
		 */
		private int priority;

		/**
		 * Whether this node, while active, hands the role over on its own, gracefully, to
		 * a standby that ranks above it under the successor policy once that standby has
		 * been eligible for a while (at least twice the session TTL).
		 */
		private boolean preempt;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public SuccessorPolicy getSuccessor() {
			return this.successor;
		}

		public void setSuccessor(SuccessorPolicy successor) {
			this.successor = successor;
		}

		public int getPriority() {
			return this.priority;
		}

		public void setPriority(int priority) {
			this.priority = priority;
		}

		public boolean isPreempt() {
			return this.preempt;
		}

		public void setPreempt(boolean preempt) {
			this.preempt = preempt;
		}

	}

}
