package io.github.coordinatorha.test.etcd;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An application process started by a test, for example a node from an executable jar.
 * Its output goes to a log file and is read line by line, each line stamped with
 * {@link System#nanoTime()} on arrival, so a test can wait for a line and know when it
 * came.
 */
public final class NodeProcess implements AutoCloseable {

	private final String name;

	private final Process process;

	private final Path logFile;

	private final List<Line> lines = new ArrayList<>();

	private boolean outputEnded;

	private record Line(long arrivedAt, String text) {
	}

	private NodeProcess(String name, Process process, Path logFile) {
		this.name = name;
		this.process = process;
		this.logFile = logFile;
		Thread reader = new Thread(this::readOutput, "node-output-" + name);
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Starts a process.
	 * @param name a name for messages
	 * @param command the command and its arguments
	 * @param logFile where its output goes
	 * @return the process
	 */
	public static NodeProcess start(String name, List<String> command, Path logFile) {
		return start(name, command, logFile, Map.of());
	}

	/**
	 * Starts a process with further environment variables, for example settings in the
	 * form a container orchestrator passes them ({@code HA_SESSION_TTL=2s}).
	 * @param name a name for messages
	 * @param command the command and its arguments
	 * @param logFile where its output goes
	 * @param environment variables added to this JVM's environment
	 * @return the process
	 */
	public static NodeProcess start(String name, List<String> command, Path logFile, Map<String, String> environment) {
		try {
			Files.createDirectories(logFile.toAbsolutePath().getParent());
			Files.deleteIfExists(logFile);
			Files.createFile(logFile);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
			builder.environment().putAll(environment);
			Process process = builder.start();
			return new NodeProcess(name, process, logFile);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + name + ": " + command, ex);
		}
	}

	/**
	 * The java launcher of this JVM.
	 * @return its path
	 */
	public static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * Follows the log file the process writes to. The process writes to the file
	 * directly, so nothing it prints as it exits is lost with a pipe.
	 */
	private void readOutput() {
		try (BufferedReader reader = Files.newBufferedReader(this.logFile, StandardCharsets.UTF_8)) {
			StringBuilder partial = new StringBuilder();
			boolean exited = false;
			while (true) {
				int next = reader.read();
				if (next == -1) {
					if (exited) {
						synchronized (this.lines) {
							this.outputEnded = true;
							this.lines.notifyAll();
						}
						return;
					}
					exited = !this.process.isAlive();
					Thread.sleep(1);
					continue;
				}
				if (next == '\n') {
					long arrivedAt = System.nanoTime();
					synchronized (this.lines) {
						this.lines.add(new Line(arrivedAt, partial.toString()));
						this.lines.notifyAll();
					}
					partial.setLength(0);
				}
				else {
					partial.append((char) next);
				}
			}
		}
		catch (IOException ex) {
			// the log file is gone
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Waits for a line matching {@code regex} (found anywhere in the line), including
	 * lines that came before this call.
	 * @param regex the pattern
	 * @param timeout the bound
	 * @return the {@link System#nanoTime()} at which the first matching line arrived
	 * @throws AssertionError with the output's tail when none came in time
	 */
	public long awaitLine(String regex, Duration timeout) {
		Pattern pattern = Pattern.compile(regex);
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lines) {
			while (true) {
				for (Line line : this.lines) {
					if (pattern.matcher(line.text()).find()) {
						return line.arrivedAt();
					}
				}
				long remaining = deadline - System.nanoTime();
				if (this.outputEnded) {
					throw new AssertionError("No line matching '" + regex + "' from " + this.name
							+ ": the process ended; last lines:\n" + tail(40));
				}
				if (remaining <= 0) {
					throw new AssertionError("No line matching '" + regex + "' from " + this.name + " within " + timeout
							+ "; last lines:\n" + tail(40));
				}
				try {
					this.lines.wait(Math.max(1, remaining / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted", ex);
				}
			}
		}
	}

	/**
	 * Whether a line matching {@code regex} has come.
	 * @param regex the pattern
	 * @return {@code true} if one has
	 */
	public boolean hasLine(String regex) {
		Pattern pattern = Pattern.compile(regex);
		return lines().stream().anyMatch((line) -> pattern.matcher(line).find());
	}

	/**
	 * Every line so far.
	 * @return the lines
	 */
	public List<String> lines() {
		synchronized (this.lines) {
			return this.lines.stream().map(Line::text).toList();
		}
	}

	/**
	 * The last lines.
	 * @param count how many
	 * @return the lines, joined
	 */
	public String tail(int count) {
		List<String> all = lines();
		return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size()));
	}

	/**
	 * The process ID.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Whether the process runs.
	 * @return {@code true} if alive
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * The exit code of a process that has ended.
	 * @return the exit code
	 * @throws IllegalThreadStateException if it still runs
	 */
	public int exitCode() {
		return this.process.exitValue();
	}

	/**
	 * SIGKILL, then waits for the process to end.
	 */
	public void kill() {
		this.process.destroyForcibly();
		ProcessSignals.awaitExit(this.process, Duration.ofSeconds(10));
	}

	/**
	 * SIGTERM, then waits (bounded) for the process to end.
	 * @return the exit code
	 */
	public int terminate() {
		this.process.destroy();
		ProcessSignals.awaitExit(this.process, Duration.ofSeconds(30));
		return this.process.exitValue();
	}

	/**
	 * SIGINT, as Ctrl-C sends.
	 */
	public void interrupt() {
		ProcessSignals.send(pid(), "INT");
	}

	/**
	 * SIGSTOP.
	 */
	public void pause() {
		ProcessSignals.send(pid(), "STOP");
	}

	/**
	 * SIGCONT.
	 */
	public void resume() {
		ProcessSignals.send(pid(), "CONT");
	}

	/**
	 * Kills the process if it still runs.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

}
