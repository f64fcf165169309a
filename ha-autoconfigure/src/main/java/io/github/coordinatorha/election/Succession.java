package io.github.coordinatorha.election;

import java.util.Comparator;

import io.github.coordinatorha.election.RoleView.Candidate;

/**
 * The order in which one role's candidates take it: this node's successor policy for the
 * role and its own priority, which its sessions carry so that every node can rank every
 * candidate the same way.
 *
 * @param policy the policy
 * @param priority this node's priority for the role, for {@link SuccessorPolicy#PRIORITY}
 */
record Succession(SuccessorPolicy policy, int priority) {

	static final Succession OLDEST = new Succession(SuccessorPolicy.OLDEST, 0);

	/**
	 * Candidates in the order they take the role, best first: by the policy, then the
	 * session written longest ago, then the key, so that the order is total.
	 */
	Comparator<Candidate> order() {
		Comparator<Candidate> byAge = Comparator.comparingLong(Candidate::modRevision).thenComparing(Candidate::key);
		return switch (this.policy) {
			case OLDEST -> byAge;
			case PRIORITY -> Comparator.comparingInt(Succession::priorityOf).reversed().thenComparing(byAge);
			case NEWEST_VERSION -> Comparator.comparing(Succession::versionOf, Succession::compareVersions)
				.reversed()
				.thenComparing(byAge);
		};
	}

	/**
	 * How a candidate ranks under the policy, for operators and for preemption: higher
	 * ranks first. Candidates that tie have the same rank.
	 */
	Comparator<Candidate> rank() {
		return switch (this.policy) {
			case OLDEST -> (a, b) -> 0;
			case PRIORITY -> Comparator.comparingInt(Succession::priorityOf);
			case NEWEST_VERSION -> Comparator.comparing(Succession::versionOf, Succession::compareVersions);
		};
	}

	private static int priorityOf(Candidate candidate) {
		return candidate.session().map(SessionInfo::priority).orElse(0);
	}

	private static String versionOf(Candidate candidate) {
		return candidate.session().map(SessionInfo::version).orElse("");
	}

	/**
	 * Compares versions the way semantic versioning orders them: numbers part by part, a
	 * version with a pre-release tag ({@code 2.3.0-rc1}) below the same version without
	 * one; anything that is no version below every version.
	 */
	static int compareVersions(String a, String b) {
		String[] left = a.split("-", 2);
		String[] right = b.split("-", 2);
		String[] leftParts = left[0].split("\\.");
		String[] rightParts = right[0].split("\\.");
		for (int i = 0; i < Math.max(leftParts.length, rightParts.length); i++) {
			long l = (i < leftParts.length) ? number(leftParts[i]) : 0;
			long r = (i < rightParts.length) ? number(rightParts[i]) : 0;
			if (l != r) {
				return Long.compare(l, r);
			}
		}
		if (left.length != right.length) {
			return (left.length == 1) ? 1 : -1;
		}
		return (left.length == 2) ? left[1].compareTo(right[1]) : 0;
	}

	private static long number(String part) {
		try {
			return Long.parseLong(part.replaceFirst("^v", ""));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
