package io.github.coordinatorha.election;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The fenced store outside etcd that users are told to keep: per role it accepts a token
 * no lower than the highest it accepted and refuses the rest, and the run tells the node
 * of a refusal. What must hold of it once faults heal: it refuses nothing after the
 * recovery bound, accepts the active's writes at rest, and accepts one again within the
 * bound and one write.
 */
final class SimStore {

	private final Map<String, Long> highest = new HashMap<>();

	private final Map<String, Long> lastRefusal = new HashMap<>();

	private final Map<String, Long> lastAccept = new HashMap<>();

	/** Per role, the first write accepted after the last refusal. */
	private final Map<String, Long> backSince = new HashMap<>();

	private long refusals;

	/**
	 * A write under a token.
	 * @param role the role
	 * @param token the token's value
	 * @param now when
	 * @return {@code -1} if accepted, else the highest token accepted, which refused it
	 */
	long write(String role, long token, long now) {
		long highest = this.highest.getOrDefault(role, 0L);
		if (token < highest) {
			this.refusals++;
			this.lastRefusal.put(role, now);
			this.backSince.remove(role);
			return highest;
		}
		this.highest.put(role, token);
		this.lastAccept.put(role, now);
		this.backSince.putIfAbsent(role, now);
		return -1;
	}

	long refusals() {
		return this.refusals;
	}

	/**
	 * When the store first accepted a write of the role after its last refusal.
	 * @param role the role
	 * @return the time, {@code Long.MIN_VALUE} if never
	 */
	long backSince(String role) {
		return this.backSince.getOrDefault(role, Long.MIN_VALUE);
	}

	/**
	 * What is wrong with the store at the end of a quiet stretch, if anything.
	 * @param role the role
	 * @param restStart when the rest began
	 * @param refusalBound the latest a refusal may come (the faults' end and the recovery
	 * bound)
	 * @param acceptBound the latest the first acceptance after a refusal may come (that
	 * and one write)
	 * @return the violation, or {@code null} if none
	 */
	@Nullable String violation(String role, long restStart, long refusalBound, long acceptBound) {
		long refused = this.lastRefusal.getOrDefault(role, Long.MIN_VALUE);
		if (refused > refusalBound) {
			return "the outside store refused a token of " + role + " at " + SimRun.seconds(refused)
					+ ", after the recovery bound (" + SimRun.seconds(refusalBound) + "): its highest is "
					+ this.highest.get(role);
		}
		long accepted = this.lastAccept.getOrDefault(role, Long.MIN_VALUE);
		if (accepted < restStart) {
			return "the outside store accepted no write of " + role + " at rest (since " + SimRun.seconds(restStart)
					+ "; last at " + ((accepted == Long.MIN_VALUE) ? "never" : SimRun.seconds(accepted)) + ")";
		}
		long back = backSince(role);
		if (back > acceptBound) {
			return "the outside store accepted a write of " + role + " again only at " + SimRun.seconds(back)
					+ ", after " + SimRun.seconds(acceptBound) + " (the recovery bound and one write)";
		}
		return null;
	}

}
