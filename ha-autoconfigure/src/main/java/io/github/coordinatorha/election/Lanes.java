package io.github.coordinatorha.election;

/**
 * Where the parts of one node run: the session's lane, one lane per role for its
 * election, and one per role for its events. {@link ElectionExecutors} puts them on a few
 * shared threads; the tests' simulation puts them on simulated time.
 */
interface Lanes {

	Lane session();

	Lane role(String role);

	Lane events(String role);

	/**
	 * Stops the lanes; what is still queued is dropped.
	 */
	void shutdown();

}
