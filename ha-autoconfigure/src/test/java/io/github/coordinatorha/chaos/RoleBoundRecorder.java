package io.github.coordinatorha.chaos;

import io.github.coordinatorha.RoleBound;

import org.springframework.context.Lifecycle;

/**
 * A {@code @RoleBound} bean that journals when the election starts it ({@code B+ t}) and
 * when it has stopped ({@code B- t}). A plain {@link Lifecycle} in phase 0, so that at
 * shutdown the context stops it only after the election: the election itself must have
 * stopped it before the lease goes.
 */
@RoleBound(DisasterNode.ROLE)
class RoleBoundRecorder implements Lifecycle {

	private final Journal journal;

	private volatile boolean running;

	RoleBoundRecorder(Journal journal) {
		this.journal = journal;
	}

	@Override
	public void start() {
		this.running = true;
		this.journal.append("B+", System.nanoTime());
	}

	@Override
	public void stop() {
		this.running = false;
		this.journal.append("B-", System.nanoTime());
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
