package io.github.coordinatorha.election;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Which candidate a role goes to when its active gives it up, and which standby competes
 * first when the role has no active.
 *
 * @since 0.2.0
 */
public enum SuccessorPolicy {

	/**
	 * The candidate whose session was written longest ago: the one that has waited
	 * longest. A node that gave the role up rewrites its session and goes to the back.
	 */
	OLDEST,

	/**
	 * The candidate with the highest {@code priority}; ties go to the oldest.
	 */
	PRIORITY,

	/**
	 * The candidate whose session carries the newest version (semantic versioning, as in
	 * Milvus's session {@code Version}), so that a rolling upgrade hands the role to an
	 * upgraded node; ties go to the oldest.
	 */
	NEWEST_VERSION;

	/**
	 * How the policy is written in configuration and in sessions: {@code oldest},
	 * {@code priority}, {@code newest-version}.
	 * @return the spelling
	 */
	public String spelling() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The policy a session names, or {@code null} if none or an unknown one.
	 */
	static @Nullable SuccessorPolicy of(@Nullable String spelling) {
		if (spelling == null) {
			return null;
		}
		for (SuccessorPolicy policy : values()) {
			if (policy.spelling().equals(spelling)) {
				return policy;
			}
		}
		return null;
	}

}
