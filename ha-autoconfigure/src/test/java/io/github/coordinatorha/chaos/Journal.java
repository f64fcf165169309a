package io.github.coordinatorha.chaos;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A chaos node's record of what it did, one line per fact, each stamped with
 * {@link System#nanoTime()}, which every process on the machine shares. Each line goes
 * straight to the file with one write, so a line survives kill -9 of the process.
 * <ul>
 * <li>{@code A role t}: the role became ACTIVE; {@code t} was taken before the call that
 * said so.</li>
 * <li>{@code H role t}: still ACTIVE at {@code t}, written every 20 ms.</li>
 * <li>{@code S role t}: STANDBY again; {@code t} was taken after the last call that said
 * ACTIVE.</li>
 * <li>{@code W role token value t}: a guarded write of {@code value} acknowledged.</li>
 * <li>{@code R role token value t}: a guarded write refused because the term had
 * ended.</li>
 * <li>{@code U role token value t}: a write whose outcome is unknown (no answer in
 * time).</li>
 * <li>{@code X t}: written by the test after it killed the process.</li>
 * </ul>
 */
final class Journal {

	private final Path file;

	private final FileOutputStream out;

	Journal(Path file) {
		this.file = file;
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			this.out = new FileOutputStream(file.toFile(), true);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	synchronized void append(String kind, Object... fields) {
		StringBuilder line = new StringBuilder(kind);
		for (Object field : fields) {
			line.append(' ').append(field);
		}
		line.append('\n');
		try {
			this.out.write(line.toString().getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write to " + this.file, ex);
		}
	}

	/**
	 * Appends the kill mark to a dead node's journal.
	 * @param file the journal
	 * @param killedAt when the test killed the process
	 */
	static void markKilled(Path file, long killedAt) {
		try {
			Files.writeString(file, "X " + killedAt + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
