package io.github.coordinatorha.benchmark;

import java.time.Duration;

/**
 * One candidate of one contender: a process (or, for the scale runs, a Spring context)
 * that competes for leadership of a group.
 */
interface Candidate extends AutoCloseable {

	/**
	 * Waits until this candidate says it leads.
	 * @param timeout the bound
	 * @return the {@link System#nanoTime()} at which it said so
	 */
	long awaitGranted(Duration timeout);

	/**
	 * Waits until this candidate is a standby that is ready to take over: registered, and
	 * aware that another leads (as each contender tells it).
	 * @param timeout the bound
	 */
	void awaitStandby(Duration timeout);

	/**
	 * Stops the candidate, and returns once it has ended.
	 * @param how gracefully (SIGTERM) or by a crash (SIGKILL)
	 */
	void stop(Stop how);

	/**
	 * Ends the candidate if it still runs.
	 */
	@Override
	void close();

	/**
	 * How the active is stopped.
	 */
	enum Stop {

		/** SIGTERM, for every contender. */
		GRACEFUL,

		/** SIGKILL. */
		CRASH

	}

}
