package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.github.coordinatorha.FencingToken;
import org.jspecify.annotations.Nullable;

/**
 * The fencing tokens of the guarded writes etcd accepted, per role, and what must hold of
 * them across etcd's histories:
 * <ul>
 * <li>within one history (a wipe or a restore from an older snapshot starts a new one),
 * no token below the highest accepted before it;</li>
 * <li>across histories: once the epoch key holds a value above the epoch of every token
 * accepted before a wipe or restore, every token etcd accepts is above the highest
 * accepted before that event, strictly (a new term's token, never an old one's again).
 * Writes below it in the window before that raise are counted ({@link #windowWrites()}),
 * not failed: until some node sees the rewind, nothing in etcd remembers.</li>
 * </ul>
 * A pure ledger, fed by the run, so each rule can be shown to fail on its own.
 */
final class SimTokenLedger {

	/** Per role, the highest token accepted since the last wipe or restore. */
	private final Map<String, Long> highestInHistory = new HashMap<>();

	/** Per role, the highest token accepted in any history. */
	private final Map<String, Long> highestEver = new HashMap<>();

	/**
	 * Per role, the highest token accepted before the last wipe or restore whose epoch
	 * was raised: every token from now on must be above it.
	 */
	private final Map<String, Long> floor = new HashMap<>();

	private final List<Disaster> unraised = new ArrayList<>();

	private int disasters;

	private long windowWrites;

	private long maxRaiseNanos;

	private long maxWindowWriteNanos;

	/**
	 * etcd was wiped, or restored from an older snapshot.
	 * @param what which, for the trace
	 * @param at when
	 */
	void disaster(String what, long at) {
		this.disasters++;
		this.highestInHistory.clear();
		long epoch = 0;
		for (long token : this.highestEver.values()) {
			epoch = Math.max(epoch, token >>> FencingToken.REVISION_BITS);
		}
		this.unraised.add(new Disaster(what, at, epoch, Map.copyOf(this.highestEver)));
	}

	/**
	 * The epoch key now holds {@code epoch}.
	 * @param epoch the value
	 * @param now when
	 * @return the wipes and restores it raised past
	 */
	List<String> epochStored(long epoch, long now) {
		List<String> raised = new ArrayList<>();
		for (Iterator<Disaster> each = this.unraised.iterator(); each.hasNext();) {
			Disaster disaster = each.next();
			if (epoch > disaster.epochBefore()) {
				each.remove();
				raised.add(disaster.what());
				this.maxRaiseNanos = Math.max(this.maxRaiseNanos, now - disaster.at());
				disaster.highestBefore().forEach((role, token) -> this.floor.merge(role, token, Math::max));
			}
		}
		return raised;
	}

	/**
	 * etcd accepted a guarded write.
	 * @param role the role
	 * @param token its token
	 * @param now when
	 * @return the violation, or {@code null} if none
	 */
	@Nullable String accepted(String role, long token, long now) {
		long highest = this.highestInHistory.getOrDefault(role, 0L);
		this.highestInHistory.put(role, Math.max(token, highest));
		this.highestEver.merge(role, token, Math::max);
		if (token < highest) {
			return "etcd accepted a guarded write of " + role + " with token " + token + " after one with " + highest
					+ " in the same history";
		}
		long floor = this.floor.getOrDefault(role, 0L);
		if (!this.unraised.isEmpty()) {
			// in the window of a wipe or restore, before its epoch is raised
			long before = floor;
			long since = Long.MIN_VALUE;
			for (Disaster disaster : this.unraised) {
				before = Math.max(before, disaster.highestBefore().getOrDefault(role, 0L));
				since = Math.max(since, disaster.at());
			}
			if (token <= before) {
				this.windowWrites++;
				this.maxWindowWriteNanos = Math.max(this.maxWindowWriteNanos, now - since);
			}
			return null;
		}
		if (token <= floor) {
			return "etcd accepted a guarded write of " + role + " with token " + token + " ("
					+ new FencingToken(role, token) + "), not above " + floor + " (" + new FencingToken(role, floor)
					+ "), the highest accepted before the last wipe or restore, after the epoch was raised past it";
		}
		return null;
	}

	int disasters() {
		return this.disasters;
	}

	long windowWrites() {
		return this.windowWrites;
	}

	int unraised() {
		return this.unraised.size();
	}

	long maxRaiseNanos() {
		return this.maxRaiseNanos;
	}

	/**
	 * The latest a window write came after its wipe or restore.
	 * @return the time from the event to the write
	 */
	long maxWindowWriteNanos() {
		return this.maxWindowWriteNanos;
	}

	/**
	 * A wipe or a restore, and what was accepted before it.
	 */
	private record Disaster(String what, long at, long epochBefore, Map<String, Long> highestBefore) {
	}

}
