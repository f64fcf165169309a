package io.github.coordinatorha.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.Handover;

/**
 * Reads commands a test appends to the node's control file, one a line, and runs each on
 * a thread of its own so that a long one holds nothing up:
 * <ul>
 * <li>{@code handover}: {@link ActiveStandby#handOver(String)}, journaled as
 * {@code HO outcome t} when it returns;</li>
 * <li>{@code call <millis>}: the {@link LongCall}, journaled {@code L0 t} if it did not
 * run.</li>
 * </ul>
 */
final class ControlFile extends LoopThread {

	private final Path file;

	private final ActiveStandby activeStandby;

	private final LongCall longCall;

	private final Journal journal;

	ControlFile(Path file, ActiveStandby activeStandby, LongCall longCall, Journal journal) {
		super("chaos-control");
		this.file = file;
		this.activeStandby = activeStandby;
		this.longCall = longCall;
		this.journal = journal;
	}

	@Override
	void loop() {
		int done = 0;
		while (running()) {
			List<String> commands = read();
			for (; done < commands.size(); done++) {
				String command = commands.get(done).strip();
				if (!command.isEmpty()) {
					run(command);
				}
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	private List<String> read() {
		if (!Files.exists(this.file)) {
			return List.of();
		}
		try {
			String text = Files.readString(this.file, StandardCharsets.UTF_8);
			// a line being written has no end yet
			int end = text.lastIndexOf('\n');
			return (end < 0) ? List.of() : List.of(text.substring(0, end).split("\n"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void run(String command) {
		Runnable task;
		if (command.equals("handover")) {
			task = () -> {
				Handover handover = this.activeStandby.handOver(DisasterNode.ROLE);
				this.journal.append("HO", handover.outcome(), System.nanoTime());
			};
		}
		else if (command.startsWith("call ")) {
			Duration duration = Duration.ofMillis(Long.parseLong(command.substring(5).strip()));
			task = () -> {
				if (!this.longCall.run(duration)) {
					this.journal.append("L0", System.nanoTime());
				}
			};
		}
		else {
			throw new IllegalArgumentException("Unknown control command '" + command + "'");
		}
		Thread thread = new Thread(task, "chaos-command");
		thread.setDaemon(true);
		thread.start();
	}

}
