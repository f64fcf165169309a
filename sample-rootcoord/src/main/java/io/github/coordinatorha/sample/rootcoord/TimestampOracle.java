package io.github.coordinatorha.sample.rootcoord;

import java.util.function.LongSupplier;

/**
 * Hybrid timestamps as Milvus's TSO issues them: physical milliseconds shifted left by 18
 * bits, plus a logical counter. The oracle persists a physical time ahead of what it
 * issues (a window) before issuing past it; a new active starts after the persisted
 * window, so timestamps increase strictly across failovers, even if clocks step back.
 */
class TimestampOracle {

	static final String KEY = "timestamp-window";

	static final int LOGICAL_BITS = 18;

	private static final long MAX_LOGICAL = 1L << LOGICAL_BITS;

	private static final long WINDOW_MILLIS = 3_000;

	private final StateStore store;

	private final LongSupplier wallClock;

	private long physical;

	private long logical;

	private long savedUntil;

	TimestampOracle(StateStore store, LongSupplier wallClock) {
		this.store = store;
		this.wallClock = wallClock;
	}

	synchronized void reload() throws Exception {
		long persisted = this.store.load(KEY);
		this.physical = Math.max(this.wallClock.getAsLong(), persisted + 1);
		this.logical = 0;
		this.savedUntil = this.physical + WINDOW_MILLIS;
		this.store.save(KEY, this.savedUntil);
	}

	/**
	 * Moves the persisted window ahead of the clock before allocation reaches it, so that
	 * requests seldom wait for an etcd write, as Milvus's TSO does on a timer.
	 */
	synchronized void refreshWindow() throws Exception {
		long ahead = Math.max(this.physical, this.wallClock.getAsLong()) + WINDOW_MILLIS;
		if (ahead - this.savedUntil >= WINDOW_MILLIS / 2) {
			this.store.save(KEY, ahead);
			this.savedUntil = ahead;
		}
	}

	/**
	 * Allocates {@code count} consecutive timestamps.
	 * @return the first of them
	 */
	synchronized long allocate(int count) throws Exception {
		long now = this.wallClock.getAsLong();
		if (now > this.physical) {
			this.physical = now;
			this.logical = 0;
		}
		if (this.logical + count >= MAX_LOGICAL) {
			this.physical++;
			this.logical = 0;
		}
		if (this.physical >= this.savedUntil) {
			long until = this.physical + WINDOW_MILLIS;
			this.store.save(KEY, until);
			this.savedUntil = until;
		}
		long first = (this.physical << LOGICAL_BITS) | this.logical;
		this.logical += count;
		return first;
	}

}
