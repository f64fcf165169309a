package io.github.coordinatorha.sample.rootcoord;

/**
 * Globally unique, strictly increasing IDs, as Milvus's GlobalIDAllocator hands them out:
 * in batches below an upper bound persisted in etcd <em>before</em> any ID under it is
 * handed out. A new active starts above the bound its predecessor persisted, so no ID is
 * ever handed out twice, across any number of failovers.
 */
class IdAllocator {

	static final String KEY = "id-allocator";

	private static final long BATCH = 10_000;

	private final StateStore store;

	private long next;

	private long limit;

	IdAllocator(StateStore store) {
		this.store = store;
	}

	/**
	 * Reloads the persisted bound: everything below it may have been handed out.
	 */
	synchronized void reload() throws Exception {
		this.limit = this.store.load(KEY);
		this.next = this.limit;
	}

	/**
	 * Allocates {@code count} IDs.
	 * @return the first of them; the others follow it
	 */
	synchronized long allocate(int count) throws Exception {
		if (this.next + count > this.limit) {
			long newLimit = this.next + count + BATCH;
			this.store.save(KEY, newLimit);
			this.limit = newLimit;
		}
		long first = this.next;
		this.next += count;
		return first;
	}

}
