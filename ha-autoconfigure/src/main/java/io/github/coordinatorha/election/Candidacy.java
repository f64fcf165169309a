package io.github.coordinatorha.election;

/**
 * How this node stands for one role: the order in which candidates take it, whether an
 * active hands it over on its own to a candidate that ranks above it, and the election
 * protocol it speaks.
 *
 * @param succession the successor policy and this node's priority
 * @param preempt whether this node, while active, hands the role to a candidate that
 * ranks above it
 * @param protocol the election protocol: {@link SessionInfo#PROTOCOL}, or 1 to behave as
 * nodes before transfers did (tests of mixed versions)
 */
record Candidacy(Succession succession, boolean preempt, int protocol) {

	static final Candidacy DEFAULT = new Candidacy(Succession.OLDEST, false, SessionInfo.PROTOCOL);

	boolean transfers() {
		return this.protocol >= 2;
	}

}
