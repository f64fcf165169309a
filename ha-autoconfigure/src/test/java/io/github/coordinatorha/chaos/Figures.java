package io.github.coordinatorha.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The figures a disaster test measured: one line each, printed and appended to
 * {@code target/disaster-figures.txt}.
 */
final class Figures {

	private static final Path FILE = Path.of("target", "disaster-figures.txt");

	private Figures() {
	}

	static void report(String test, String figures) {
		String line = "disaster: " + test + ": " + figures;
		System.out.println(line);
		try {
			Files.createDirectories(FILE.toAbsolutePath().getParent());
			Files.writeString(FILE, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
