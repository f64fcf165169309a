package io.github.coordinatorha.election;

/**
 * A simulated machine's monotonic clock ({@link System#nanoTime()}): an offset, and a
 * rate against world time that may drift from 1 within a bound, as quartz clocks do. The
 * rate can change while the clock runs; the clock never jumps and never runs backwards.
 */
final class SimClock {

	private final SimWorld world;

	private long worldAnchor;

	private long clockAnchor;

	private double rate;

	/**
	 * Creates a clock.
	 * @param world the world
	 * @param offsetNanos what the clock reads now
	 * @param rate clock nanoseconds per world nanosecond, for example {@code 1.01} for a
	 * clock 1% fast
	 */
	SimClock(SimWorld world, long offsetNanos, double rate) {
		this.world = world;
		this.worldAnchor = world.now();
		this.clockAnchor = offsetNanos;
		this.rate = checked(rate);
	}

	/**
	 * A clock with a random offset and a random rate within {@code 1 +- maxDrift}.
	 * @param world the world, whose random source chooses
	 * @param maxDrift the bound of the drift, for example {@code 0.01} for 1%
	 * @return the clock
	 */
	static SimClock drifting(SimWorld world, double maxDrift) {
		double drift = (world.random().nextDouble() * 2 - 1) * maxDrift;
		// Any offset, negative too, as System.nanoTime may be: only differences mean
		// anything.
		long offset = world.random().nextLong() >> 4;
		return new SimClock(world, offset, 1 + drift);
	}

	/**
	 * Now, on this clock.
	 * @return the clock's nanoseconds
	 */
	long nanoTime() {
		return this.clockAnchor + (long) ((this.world.now() - this.worldAnchor) * this.rate);
	}

	/**
	 * The rate against world time.
	 * @return clock nanoseconds per world nanosecond
	 */
	double rate() {
		return this.rate;
	}

	/**
	 * Changes the rate from now on (timers already set keep their world time).
	 * @param rate clock nanoseconds per world nanosecond
	 */
	void rate(double rate) {
		this.clockAnchor = nanoTime();
		this.worldAnchor = this.world.now();
		this.rate = checked(rate);
	}

	/**
	 * How long in world time this clock takes to advance {@code clockNanos}: a timer set
	 * for that delay fires at the first world nanosecond at which the clock has advanced
	 * at least that much.
	 * @param clockNanos a delay on this clock
	 * @return the delay in world time
	 */
	long worldDelay(long clockNanos) {
		if (clockNanos <= 0) {
			return 0;
		}
		long start = nanoTime();
		long delay = (long) Math.ceil(clockNanos / this.rate);
		long base = this.world.now() - this.worldAnchor;
		while (this.clockAnchor + (long) ((base + delay) * this.rate) - start < clockNanos) {
			delay++;
		}
		return delay;
	}

	private static double checked(double rate) {
		if (!(rate > 0.5 && rate < 2)) {
			throw new IllegalArgumentException("A clock's rate must lie between 0.5 and 2, not " + rate);
		}
		return rate;
	}

	@Override
	public String toString() {
		return "SimClock(rate " + this.rate + ")";
	}

}
