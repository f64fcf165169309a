package io.github.coordinatorha.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * One run's journal as a test reads it while the node runs.
 */
record JournalView(List<String[]> lines) {

	static JournalView read(Path file) {
		try {
			List<String[]> lines = Files.exists(file)
					? Files.readAllLines(file).stream().map((line) -> line.split(" ")).toList() : List.of();
			return new JournalView(lines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Whether the node's last word on the role was ACTIVE.
	 */
	boolean isActive() {
		for (int i = this.lines.size() - 1; i >= 0; i--) {
			String kind = this.lines.get(i)[0];
			if (kind.equals("A") || kind.equals("H")) {
				return true;
			}
			if (kind.equals("S") || kind.equals("X")) {
				return false;
			}
		}
		return false;
	}

	/**
	 * The time of the first line of a kind at or after {@code from}.
	 */
	OptionalLong first(String kind, long from) {
		return this.lines.stream()
			.filter((line) -> line[0].equals(kind) && line.length > 1)
			.mapToLong((line) -> Long.parseLong(line[line.length - 1]))
			.filter((at) -> at >= from)
			.findFirst();
	}

	/**
	 * The guarded writes of a kind ({@code W}, {@code R}, {@code U}) made with a token.
	 */
	List<String[]> writes(String kind, long token) {
		return this.lines.stream()
			.filter((line) -> line[0].equals(kind) && line.length == 5 && Long.parseLong(line[2]) == token)
			.toList();
	}

	/**
	 * Whether any guarded write was acknowledged.
	 */
	boolean hasWrites() {
		return this.lines.stream().anyMatch((line) -> line[0].equals("W"));
	}

	/**
	 * The token of the last acknowledged write.
	 */
	long lastToken() {
		for (int i = this.lines.size() - 1; i >= 0; i--) {
			if (this.lines.get(i)[0].equals("W")) {
				return Long.parseLong(this.lines.get(i)[2]);
			}
		}
		throw new IllegalStateException("No acknowledged write yet");
	}

}
