package io.github.coordinatorha.autoconfigure;

/**
 * The active-standby toggle of one role, for example under {@code rootCoord}. Both
 * Milvus spellings are accepted: {@code rootCoord.activeStandby.enabled} (Helm values)
 * and {@code rootCoord.enableActiveStandby} (milvus.yaml, and
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
	private Boolean enableActiveStandby;

	public ActiveStandby getActiveStandby() {
		return this.activeStandby;
	}

	public Boolean getEnableActiveStandby() {
		return this.enableActiveStandby;
	}

	public void setEnableActiveStandby(Boolean enableActiveStandby) {
		this.enableActiveStandby = enableActiveStandby;
	}

	/**
	 * The role's active-standby settings.
	 */
	public static class ActiveStandby {

		/**
		 * Whether the role runs in active-standby mode: its nodes compete in etcd and
		 * one serves while the others stand by. When disabled (the default, as in Milvus)
		 * the node simply serves the role and needs no etcd.
		 */
		private Boolean enabled;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

	}

}
