package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The core of a deterministic simulation: simulated time in nanoseconds, one queue of
 * events ordered by (time, sequence), one seeded {@link Random} from which every choice
 * comes, and a trace of recent lines. Everything runs on the one thread that created the
 * world, so a run depends on its seed alone and replays exactly.
 * <p>
 * Tracing costs no formatting: a line keeps references to its source, its message and an
 * optional number or detail, and is formatted only when printed.
 */
final class SimWorld {

	private static final int DEFAULT_TRACE_LINES = 4096;

	private final long seed;

	private final Random random;

	private final Thread owner = Thread.currentThread();

	private Event[] heap = new Event[256];

	private int size;

	private long sequence;

	private long now;

	private long eventsRun;

	private final Trace trace;

	private volatile @Nullable IllegalStateException misuse;

	/**
	 * Creates a world at time {@code 0} with a trace of the last 4096 lines.
	 * @param seed the seed of every choice
	 */
	SimWorld(long seed) {
		this(seed, DEFAULT_TRACE_LINES);
	}

	/**
	 * Creates a world at time {@code 0}.
	 * @param seed the seed of every choice
	 * @param traceLines how many recent lines the trace keeps, {@code 0} for none
	 */
	SimWorld(long seed, int traceLines) {
		this.seed = seed;
		// java.util.Random's first draws barely differ between nearby seeds (seeds 1 to
		// 50
		// all drew the same first boolean): scramble the seed first.
		this.random = new Random(new java.util.SplittableRandom(seed).nextLong());
		this.trace = new Trace(traceLines);
	}

	long seed() {
		return this.seed;
	}

	/**
	 * The source of every choice. Draw from it only on the world's thread, in event
	 * order.
	 * @return the random source
	 */
	Random random() {
		return this.random;
	}

	/**
	 * Simulated time.
	 * @return now, in nanoseconds since the world began
	 */
	long now() {
		return this.now;
	}

	/**
	 * How many events have run.
	 * @return the count
	 */
	long eventsRun() {
		return this.eventsRun;
	}

	/**
	 * How many events wait in the queue (cancelled ones are removed at once).
	 * @return the count
	 */
	int pending() {
		return this.size;
	}

	/**
	 * Runs a task once {@code delayNanos} of simulated time have passed.
	 * @param delayNanos the delay, at least {@code 0}
	 * @param task the task
	 * @return the event, to cancel
	 */
	Event schedule(long delayNanos, Runnable task) {
		return scheduleAt(this.now + Math.max(0, delayNanos), task);
	}

	/**
	 * Runs a task at a simulated time (now, if that has passed).
	 * @param timeNanos when
	 * @param task the task
	 * @return the event, to cancel
	 */
	Event scheduleAt(long timeNanos, Runnable task) {
		Event event = new Event(this, task, null);
		enqueue(event, timeNanos);
		return event;
	}

	void enqueue(Event event, long timeNanos) {
		checkThread();
		event.time = Math.max(timeNanos, this.now);
		event.sequence = this.sequence++;
		if (this.size == this.heap.length) {
			this.heap = Arrays.copyOf(this.heap, this.size * 2);
		}
		event.index = this.size;
		this.heap[this.size++] = event;
		siftUp(event.index);
	}

	/**
	 * Runs the next event, if any, advancing time to it.
	 * @return whether an event ran
	 */
	boolean step() {
		checkThread();
		if (this.size == 0) {
			return false;
		}
		Event event = this.heap[0];
		removeAt(0);
		this.now = event.time;
		this.eventsRun++;
		event.fire();
		return true;
	}

	/**
	 * Runs every event due up to {@code timeNanos}, then sets the time to it.
	 * @param timeNanos the end, not before now
	 */
	void runUntil(long timeNanos) {
		run(timeNanos, null);
	}

	/**
	 * Runs every event due in the next {@code nanos}.
	 * @param nanos how long
	 */
	void runFor(long nanos) {
		runUntil(this.now + nanos);
	}

	/**
	 * Runs every event due up to {@code timeNanos}, calling {@code afterEach} after every
	 * one (to check invariants), then sets the time to {@code timeNanos}.
	 * @param timeNanos the end
	 * @param afterEach called after each event, or {@code null}
	 */
	void run(long timeNanos, @Nullable Runnable afterEach) {
		while (this.size > 0 && this.heap[0].time <= timeNanos) {
			step();
			if (afterEach != null) {
				afterEach.run();
			}
		}
		if (timeNanos > this.now) {
			this.now = timeNanos;
		}
	}

	/**
	 * Runs events until {@code condition} holds (checked before the first and after every
	 * event) or the time would pass {@code timeNanos}.
	 * @param condition when to stop
	 * @param timeNanos the latest time to run to
	 * @return whether the condition holds
	 */
	boolean runUntil(BooleanSupplier condition, long timeNanos) {
		while (!condition.getAsBoolean()) {
			if (this.size == 0 || this.heap[0].time > timeNanos) {
				if (timeNanos > this.now) {
					this.now = timeNanos;
				}
				return condition.getAsBoolean();
			}
			step();
		}
		return true;
	}

	/**
	 * Whether the trace keeps lines.
	 * @return {@code false} if it was created with none
	 */
	boolean tracing() {
		return this.trace.capacity > 0;
	}

	/**
	 * Adds a line to the trace.
	 * @param source who (a node, {@code etcd}, the harness)
	 * @param message what happened, preferably a constant
	 */
	void trace(String source, String message) {
		this.trace.add(this.now, source, message, Trace.NO_NUMBER, null);
	}

	/**
	 * Adds a line with a number, formatted only when the trace is printed.
	 * @param source who
	 * @param message what happened
	 * @param number a revision, a lease, a count
	 */
	void trace(String source, String message, long number) {
		this.trace.add(this.now, source, message, number, null);
	}

	/**
	 * Adds a line with a detail whose {@code toString} is called only when the trace is
	 * printed, so it should be immutable (a record).
	 * @param source who
	 * @param message what happened
	 * @param detail the detail
	 */
	void trace(String source, String message, @Nullable Object detail) {
		this.trace.add(this.now, source, message, Trace.NO_NUMBER, detail);
	}

	/**
	 * The trace's lines, oldest first, each as {@code seconds source message}.
	 * @return the lines
	 */
	List<String> traceLines() {
		return this.trace.lines();
	}

	/**
	 * The trace as one text, with the seed, for a failure message.
	 * @return the text
	 */
	String traceDump() {
		StringBuilder out = new StringBuilder();
		out.append("seed ")
			.append(this.seed)
			.append(", at ")
			.append(seconds(this.now))
			.append(", ")
			.append(this.eventsRun)
			.append(" events; last ")
			.append(this.trace.size())
			.append(" of ")
			.append(this.trace.count)
			.append(" trace lines:\n");
		for (String line : this.trace.lines()) {
			out.append("  ").append(line).append('\n');
		}
		return out.toString();
	}

	/**
	 * A time as seconds with nanosecond digits, as the trace prints it.
	 * @param nanos the time
	 * @return for example {@code 12.000500000}
	 */
	static String seconds(long nanos) {
		long whole = nanos / 1_000_000_000L;
		long fraction = Math.abs(nanos % 1_000_000_000L);
		String digits = Long.toString(fraction);
		return whole + "." + "000000000".substring(digits.length()) + digits;
	}

	private void checkThread() {
		if (Thread.currentThread() != this.owner) {
			IllegalStateException misuse = new IllegalStateException("The simulated world was touched from thread "
					+ Thread.currentThread().getName() + ": everything in a simulation must run on its events (no"
					+ " real threads, executors or timers, such as CompletableFuture's *Async without an executor"
					+ " or orTimeout)");
			// The other thread may swallow it (a future's callback): the world's thread
			// throws it too.
			this.misuse = misuse;
			throw misuse;
		}
		IllegalStateException misuse = this.misuse;
		if (misuse != null) {
			throw misuse;
		}
	}

	private void cancel(Event event) {
		checkThread();
		if (event.index >= 0) {
			removeAt(event.index);
		}
	}

	private void removeAt(int index) {
		Event removed = this.heap[index];
		removed.index = -1;
		int last = --this.size;
		if (index != last) {
			Event moved = this.heap[last];
			this.heap[index] = moved;
			moved.index = index;
			this.heap[last] = null;
			siftDown(index);
			if (this.heap[index] == moved) {
				siftUp(index);
			}
		}
		else {
			this.heap[last] = null;
		}
	}

	private void siftUp(int index) {
		Event event = this.heap[index];
		while (index > 0) {
			int parent = (index - 1) >>> 1;
			Event above = this.heap[parent];
			if (!before(event, above)) {
				break;
			}
			this.heap[index] = above;
			above.index = index;
			index = parent;
		}
		this.heap[index] = event;
		event.index = index;
	}

	private void siftDown(int index) {
		Event event = this.heap[index];
		int half = this.size >>> 1;
		while (index < half) {
			int child = 2 * index + 1;
			Event smaller = this.heap[child];
			int right = child + 1;
			if (right < this.size && before(this.heap[right], smaller)) {
				child = right;
				smaller = this.heap[right];
			}
			if (!before(smaller, event)) {
				break;
			}
			this.heap[index] = smaller;
			smaller.index = index;
			index = child;
		}
		this.heap[index] = event;
		event.index = index;
	}

	private static boolean before(Event a, Event b) {
		return (a.time < b.time) || (a.time == b.time && a.sequence < b.sequence);
	}

	/**
	 * A scheduled task: plain, or one of a lane's, which the lane runs, defers or drops.
	 */
	static final class Event implements Lane.Timer {

		private final SimWorld world;

		final Runnable task;

		final @Nullable SimLane lane;

		long time;

		long sequence;

		int index = -1;

		boolean cancelled;

		Event(SimWorld world, Runnable task, @Nullable SimLane lane) {
			this.world = world;
			this.task = task;
			this.lane = lane;
		}

		/**
		 * When the event is due, in world time.
		 * @return the time
		 */
		long time() {
			return this.time;
		}

		/**
		 * Whether it waits in the world's queue.
		 * @return {@code true} until it runs or is cancelled
		 */
		boolean queued() {
			return this.index >= 0;
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			this.world.cancel(this);
		}

		private void fire() {
			if (this.lane != null) {
				this.lane.fire(this);
			}
			else if (!this.cancelled) {
				this.task.run();
			}
		}

	}

	/**
	 * A ring of the most recent trace lines.
	 */
	private static final class Trace {

		static final long NO_NUMBER = Long.MIN_VALUE;

		final int capacity;

		final long[] times;

		final String[] sources;

		final String[] messages;

		final long[] numbers;

		final @Nullable Object[] details;

		long count;

		Trace(int capacity) {
			this.capacity = Math.max(0, capacity);
			this.times = new long[this.capacity];
			this.sources = new String[this.capacity];
			this.messages = new String[this.capacity];
			this.numbers = new long[this.capacity];
			this.details = new Object[this.capacity];
		}

		void add(long time, String source, String message, long number, @Nullable Object detail) {
			if (this.capacity == 0) {
				return;
			}
			int at = (int) (this.count % this.capacity);
			this.times[at] = time;
			this.sources[at] = source;
			this.messages[at] = message;
			this.numbers[at] = number;
			this.details[at] = detail;
			this.count++;
		}

		int size() {
			return (int) Math.min(this.count, this.capacity);
		}

		List<String> lines() {
			int size = size();
			List<String> lines = new ArrayList<>(size);
			for (long i = this.count - size; i < this.count; i++) {
				int at = (int) (i % this.capacity);
				StringBuilder line = new StringBuilder(64).append(seconds(this.times[at]))
					.append(' ')
					.append(this.sources[at])
					.append(' ')
					.append(this.messages[at]);
				if (this.numbers[at] != NO_NUMBER) {
					line.append(' ').append(this.numbers[at]);
				}
				if (this.details[at] != null) {
					line.append(' ').append(this.details[at]);
				}
				lines.add(line.toString());
			}
			return lines;
		}

	}

}
