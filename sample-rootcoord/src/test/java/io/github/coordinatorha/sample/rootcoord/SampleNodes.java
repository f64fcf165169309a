package io.github.coordinatorha.sample.rootcoord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.coordinatorha.test.etcd.NodeProcess;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sample-rootcoord processes started from the executable jar for one test, each logging
 * to a file of its own under {@code target/node-logs/<test class>/<test>/}, all killed
 * when the test ends; and the log lines tests wait for. Register it with
 * {@code @RegisterExtension}.
 */
final class SampleNodes implements BeforeEachCallback, AfterEachCallback {

	static final String ACTIVE = "register ACTIVE service successfully";

	static final String TAKEOVER = "quit STANDBY mode, this node will become ACTIVE";

	static final String STANDBY = "is in STANDBY \\.\\.\\. \\(active: serverId";

	private final List<NodeProcess> nodes = new ArrayList<>();

	private Path logs;

	@Override
	public void beforeEach(ExtensionContext context) {
		this.logs = Path.of("target", "node-logs", context.getRequiredTestClass().getSimpleName(),
				context.getRequiredTestMethod().getName());
	}

	/**
	 * Starts {@code java -Xmx256m -jar sample-rootcoord.jar ARGUMENTS}.
	 * @param name a name for messages and the log file
	 * @param arguments the application's arguments
	 * @param environment further environment variables
	 * @return the process
	 */
	NodeProcess start(String name, List<String> arguments, Map<String, String> environment) {
		return start(name, List.of(), arguments, environment);
	}

	/**
	 * Starts {@code java -Xmx256m JVM_OPTIONS -jar sample-rootcoord.jar ARGUMENTS}.
	 * @param name a name for messages and the log file
	 * @param jvmOptions options for the JVM, for example
	 * {@code -Dspring.aot.enabled=true}
	 * @param arguments the application's arguments
	 * @param environment further environment variables
	 * @return the process
	 */
	NodeProcess start(String name, List<String> jvmOptions, List<String> arguments, Map<String, String> environment) {
		Path jar = Path.of(System.getProperty("sample.jar", "target/sample-rootcoord.jar"));
		assertThat(jar).exists();
		List<String> command = new ArrayList<>(List.of(NodeProcess.javaExecutable(), "-Xmx256m"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", jar.toString()));
		command.addAll(arguments);
		NodeProcess node = NodeProcess.start(name, command, this.logs.resolve(name + ".log"), environment);
		this.nodes.add(node);
		return node;
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.nodes.forEach(NodeProcess::close);
		this.nodes.clear();
	}

}
