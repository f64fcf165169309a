package io.github.coordinatorha.benchmark;

import java.time.Duration;

/**
 * A leader election the benchmark measures: ours, or a peer's.
 */
interface Contender {

	/**
	 * The name in the report.
	 * @return the name
	 */
	String name();

	/**
	 * Starts a candidate.
	 * @param group the election it competes in (a root path, an election name, a lock)
	 * @param ttl how long after a crash another may take over, where the contender has
	 * such a setting
	 * @return the candidate, starting
	 */
	Candidate start(String group, Duration ttl);

}
