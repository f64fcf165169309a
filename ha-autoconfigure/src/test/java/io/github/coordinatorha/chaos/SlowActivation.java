package io.github.coordinatorha.chaos;

import java.time.Duration;

import io.github.coordinatorha.BecameActiveEvent;

import org.springframework.context.event.EventListener;

/**
 * A {@code BecameActiveEvent} listener that takes its time, as one that loads metadata
 * does: it journals {@code SA+ t}, holds the event thread for the configured delay, and
 * journals {@code SA- t}.
 */
class SlowActivation {

	private final Journal journal;

	private final Duration delay;

	SlowActivation(Journal journal, Duration delay) {
		this.journal = journal;
		this.delay = delay;
	}

	@EventListener(condition = "#event.role == 'rootCoord'")
	void onActive(BecameActiveEvent event) throws InterruptedException {
		if (this.delay.isZero()) {
			return;
		}
		this.journal.append("SA+", System.nanoTime());
		// the slow listener is the fault under test
		Thread.sleep(this.delay.toMillis());
		this.journal.append("SA-", System.nanoTime());
	}

}
