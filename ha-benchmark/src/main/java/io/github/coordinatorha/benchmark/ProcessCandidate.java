package io.github.coordinatorha.benchmark;

import java.time.Duration;
import java.util.function.Consumer;

import io.github.coordinatorha.test.etcd.NodeProcess;

/**
 * A candidate that runs as its own process. Its output is followed by
 * {@link NodeProcess}, which stamps each line with {@link System#nanoTime()} in the
 * benchmark's JVM as it arrives: the one clock every contender is timed on.
 */
final class ProcessCandidate implements Candidate {

	private final NodeProcess process;

	private final String grantedLine;

	private final Consumer<Duration> standby;

	private final int httpPort;

	/**
	 * A candidate process.
	 * @param process the process
	 * @param grantedLine a regex for the line it prints once it leads
	 * @param standby waits (with the given bound) until it is a ready standby
	 * @param httpPort its HTTP port, or 0
	 */
	ProcessCandidate(NodeProcess process, String grantedLine, Consumer<Duration> standby, int httpPort) {
		this.process = process;
		this.grantedLine = grantedLine;
		this.standby = standby;
		this.httpPort = httpPort;
	}

	NodeProcess process() {
		return this.process;
	}

	int httpPort() {
		return this.httpPort;
	}

	boolean hasGranted() {
		return this.process.hasLine(this.grantedLine);
	}

	@Override
	public long awaitGranted(Duration timeout) {
		return this.process.awaitLine(this.grantedLine, timeout);
	}

	@Override
	public void awaitStandby(Duration timeout) {
		this.standby.accept(timeout);
	}

	@Override
	public void stop(Stop how) {
		// both through java.lang.Process: kill(2) from this JVM, no helper process
		if (how == Stop.GRACEFUL) {
			this.process.terminate();
		}
		else {
			this.process.kill();
		}
	}

	@Override
	public void close() {
		this.process.close();
	}

}
