package io.github.coordinatorha.sample.rootcoord;

/**
 * Where the coordinator keeps the numbers it must never hand out again.
 */
interface StateStore {

	/**
	 * Reads a number, 0 if it was never written.
	 */
	long load(String name) throws Exception;

	/**
	 * Writes a number; fails, writing nothing, if this node may no longer write.
	 */
	void save(String name, long value) throws Exception;

}
