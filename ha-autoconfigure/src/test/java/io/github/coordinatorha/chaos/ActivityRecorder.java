package io.github.coordinatorha.chaos;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.election.ElectionNode;

/**
 * Asks {@link ActiveStandby#isActive(String)} every millisecond, as application code
 * would, and journals the intervals in which it said ACTIVE. Starts before the election
 * and stops after it, so it sees the last step-down.
 */
final class ActivityRecorder extends LoopThread {

	private static final long HELD_EVERY = TimeUnit.MILLISECONDS.toNanos(20);

	private final ActiveStandby activeStandby;

	private final Journal journal;

	private final String role;

	ActivityRecorder(ActiveStandby activeStandby, Journal journal, String role) {
		super("chaos-activity");
		this.activeStandby = activeStandby;
		this.journal = journal;
		this.role = role;
	}

	@Override
	void loop() {
		boolean active = false;
		long lastActive = 0;
		long lastHeld = 0;
		while (running()) {
			long before = System.nanoTime();
			boolean now = this.activeStandby.isActive(this.role);
			long after = System.nanoTime();
			if (now) {
				if (!active) {
					this.journal.append("A", this.role, before);
					lastHeld = after;
				}
				else if (after - lastHeld >= HELD_EVERY) {
					this.journal.append("H", this.role, after);
					lastHeld = after;
				}
				lastActive = after;
			}
			else if (active) {
				this.journal.append("S", this.role, lastActive);
			}
			active = now;
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		if (active) {
			this.journal.append("S", this.role, lastActive);
		}
	}

	@Override
	public int getPhase() {
		return ElectionNode.PHASE - 1;
	}

}
