package io.github.coordinatorha.election;

/**
 * A role this node can serve.
 *
 * @param name the role's name, for example {@code rootCoord}; its lower-case form is the
 * server name in etcd keys ({@code rootcoord})
 * @param activeStandby whether the role runs in active-standby mode on etcd; if not, the
 * node simply serves it
 * @param successor which candidate takes the role when its active gives it up
 * @param priority this node's priority for the role, for {@link SuccessorPolicy#PRIORITY}
 * @param preempt whether this node, while active, hands the role on its own to a
 * candidate that ranks above it
 * @since 0.1.0
 */
public record RoleDefinition(String name, boolean activeStandby, SuccessorPolicy successor, int priority,
		boolean preempt) {

	/**
	 * A role whose successors go oldest first, without preemption.
	 * @param name the role's name
	 * @param activeStandby whether the role runs in active-standby mode
	 */
	public RoleDefinition(String name, boolean activeStandby) {
		this(name, activeStandby, SuccessorPolicy.OLDEST, 0, false);
	}

	/**
	 * The system property that makes a node speak an older election protocol, for tests
	 * of a rolling upgrade that mixes versions: {@code 1} behaves as the versions before
	 * one-write handovers (a graceful stop revokes the lease, a handover resigns, and the
	 * session says it takes no transfers).
	 */
	public static final String PROTOCOL_PROPERTY = "coordinator-ha.election-protocol";

	Candidacy candidacy() {
		return new Candidacy(new Succession(this.successor, this.priority), this.preempt,
				Integer.getInteger(PROTOCOL_PROPERTY, SessionInfo.PROTOCOL));
	}

}
