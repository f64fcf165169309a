package io.github.coordinatorha.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.coordinatorha.test.etcd.NodeProcess;
import io.github.coordinatorha.test.etcd.Ports;

/**
 * Ours: {@code sample-rootcoord} processes with rootCoord in active-standby mode. A
 * candidate leads once its {@code BecameActiveEvent} listener logs {@value #GRANTED}; it
 * is a ready standby once the engine logs that it is in STANDBY with the active known.
 */
final class SampleNodes implements Contender {

	/** The first line of the sample's {@code BecameActiveEvent} listener. */
	static final String GRANTED = "rootcoord switch from standby to active";

	/** The engine's STANDBY line, once it knows the active's server ID. */
	static final String STANDBY = "is in STANDBY \\.\\.\\. \\(active: serverId";

	private final Path jar;

	private final String endpoints;

	private final Path logs;

	private final List<String> extraArguments;

	private int count;

	SampleNodes(Path jar, String endpoints, Path logs, List<String> extraArguments) {
		this.jar = jar;
		this.endpoints = endpoints;
		this.logs = logs;
		this.extraArguments = extraArguments;
	}

	@Override
	public String name() {
		return "coordinator-ha";
	}

	@Override
	public ProcessCandidate start(String group, Duration ttl) {
		int port = Ports.free();
		String name = "node-" + (++this.count);
		List<String> command = new ArrayList<>(List.of(NodeProcess.javaExecutable(), "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-jar", this.jar.toString(), "--server.port=" + port,
				"--server.address=127.0.0.1", "--ha.session.address=127.0.0.1:" + port,
				"--ha.etcd.endpoints=" + this.endpoints, "--rootCoord.activeStandby.enabled=true",
				"--ha.session.ttl=" + ttl.toSeconds() + "s", "--ha.etcd.root-path=" + group,
				"--logging.level.root=WARN", "--logging.level.io.github.coordinatorha=INFO"));
		command.addAll(this.extraArguments);
		NodeProcess process = NodeProcess.start(name, command, this.logs.resolve(name + ".log"));
		return new ProcessCandidate(process, GRANTED, (timeout) -> process.awaitLine(STANDBY, timeout), port);
	}

}
