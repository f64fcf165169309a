package io.github.coordinatorha.chaos;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Journals this process's live threads every 250 ms: {@code TH total election t}, where
 * {@code election} counts the starter's own threads (named {@code ha-...}).
 */
final class ThreadSampler extends LoopThread {

	private final Journal journal;

	ThreadSampler(Journal journal) {
		super("chaos-threads");
		this.journal = journal;
	}

	@Override
	void loop() {
		while (running()) {
			Set<Thread> threads = Thread.getAllStackTraces().keySet();
			long election = threads.stream().filter((thread) -> thread.getName().startsWith("ha-")).count();
			this.journal.append("TH", threads.size(), election, System.nanoTime());
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
		}
	}

}
