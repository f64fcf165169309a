package io.github.coordinatorha.benchmark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.coordinatorha.test.etcd.NodeProcess;

/**
 * What the starter costs an application in threads and heap: {@link CostProbe} in a fresh
 * JVM per configuration (so no thread or class of an earlier one is counted), with no
 * role in active-standby mode, then with 1, 3 and 50 roles of its own.
 */
final class Cost {

	static final List<Integer> ROLES = List.of(0, 1, 3, 50);

	private static final Pattern LINE = Pattern.compile("^cost roles=(\\d+) threads=(\\d+) heapMiB=(\\S+)$");

	private Cost() {
	}

	/**
	 * Threads and heap per number of roles.
	 * @param classpath the probe's classpath
	 * @param endpoints etcd
	 * @param logs where the probes' output goes
	 * @return {threads, heap MiB} per number of roles, in {@link #ROLES} order
	 */
	static Map<Integer, double[]> measure(String classpath, String endpoints, Path logs) {
		Map<Integer, double[]> costs = new LinkedHashMap<>();
		for (int roles : ROLES) {
			String name = "cost-" + roles + "-roles";
			try (NodeProcess probe = NodeProcess.start(name,
					List.of(NodeProcess.javaExecutable(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
							CostProbe.class.getName(), endpoints, Integer.toString(roles)),
					logs.resolve(name + ".log"))) {
				probe.awaitLine("^cost roles=", Handovers.WAIT);
				String line = probe.lines()
					.stream()
					.filter((text) -> text.startsWith("cost roles="))
					.findFirst()
					.orElseThrow();
				Matcher matcher = LINE.matcher(line);
				if (!matcher.matches()) {
					throw new IllegalStateException("Unexpected probe output: " + line);
				}
				costs.put(roles,
						new double[] { Double.parseDouble(matcher.group(2)), Double.parseDouble(matcher.group(3)) });
			}
		}
		return costs;
	}

}
