package io.github.coordinatorha.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's Markdown report: one table per kind of measurement, ours beside each
 * peer with the ratio of the medians.
 */
final class Report {

	private static final String NO_POSTGRES = "not run (no PostgreSQL: -Dbenchmark.postgres unset)";

	private final List<String> header = new ArrayList<>();

	private final List<String> latency = new ArrayList<>();

	private final List<String> rest = new ArrayList<>();

	private final List<String> cost = new ArrayList<>();

	private final List<String> scale = new ArrayList<>();

	private final List<String> loads = new ArrayList<>();

	/**
	 * @param settle the settling time of every standby
	 * @param quick whether this is the short run
	 * @param jdbcPeer what the JDBC peer runs on, or {@code null} when it does not run
	 */
	Report(Duration settle, boolean quick, String jdbcPeer) {
		this.header.add("Run: `scripts/benchmark.sh" + (quick ? " --quick" : "") + "`; every standby settled "
				+ settle.toMillis() + " ms after it was ready, before each cycle; Java "
				+ System.getProperty("java.version") + "; the JDBC peer: "
				+ ((jdbcPeer != null) ? jdbcPeer : NO_POSTGRES) + ".");
		this.latency.add("| measurement | n | coordinator-ha median / p99 / max ms | etcd's own median / p99 / max ms "
				+ "| Spring Integration JDBC median / p99 / max ms | ours / etcd's | ours / JDBC |");
		this.latency.add("|---|---|---|---|---|---|---|");
	}

	void loadAverage(String when) {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			this.loads.add(when + " " + fields[0] + " " + fields[1] + " " + fields[2]);
		}
		catch (IOException ex) {
			this.loads.add(when + " unknown");
		}
	}

	/**
	 * A row of ours beside the peers.
	 * @param ttl the TTL of a crash row, to name {@code etcdctl lock --ttl}, or
	 * {@code null} for {@code etcdctl elect}
	 */
	void versus(String what, Samples ours, Samples etcd, Samples jdbc, Integer ttl) {
		String etcdName = (ttl != null) ? "`etcdctl lock --ttl " + ttl + "`" : "`etcdctl elect`";
		this.latency.add("| " + what + " | " + ours.count() + " | " + triple(ours) + " | " + triple(etcd) + " ("
				+ etcdName + ") | " + ((jdbc != null) ? triple(jdbc) : NO_POSTGRES) + " | " + ratio(ours, etcd) + " | "
				+ ((jdbc != null) ? ratio(ours, jdbc) : "") + " |");
	}

	/**
	 * The row of the handover to a chosen node, against the peers' graceful handover
	 * (neither can choose).
	 */
	void chosen(String what, Samples ours, String notMeasured, Samples etcd, Samples jdbc) {
		if (notMeasured != null) {
			this.latency.add("| " + what + " | 0 | not measured: " + notMeasured.replace("|", "\\|")
					+ " | (cannot choose) | (cannot choose) | | |");
			return;
		}
		// no ratio: neither peer can choose, and a ratio to their graceful handover would
		// compare two kinds of event
		this.latency.add("| " + what + " | " + ours.count() + " | " + triple(ours)
				+ " | (cannot choose) | (cannot choose) | | |");
	}

	void startup(Samples ours) {
		this.latency.add("| startup of a sample node to its BecameActiveEvent line, uncontended (JVM start included) | "
				+ ours.count() + " | " + triple(ours) + " | | | | |");
	}

	void rest(double activePerMinute, double standbyPerMinute) {
		this.rest.add("| at rest, TTL 10 s | etcd requests per minute |");
		this.rest.add("|---|---|");
		this.rest.add("| active node | " + fmt(activePerMinute) + " |");
		this.rest.add("| standby node (watches, does not poll) | " + fmt(standbyPerMinute) + " |");
	}

	void cost(Map<Integer, double[]> costs) {
		double[] base = costs.get(0);
		this.cost.add("| cost to an application (a minimal Spring Boot context with the starter, its own JVM) "
				+ "| threads | heap after GC (MiB) | added threads | added heap (MiB) |");
		this.cost.add("|---|---|---|---|---|");
		costs.forEach((roles,
				figures) -> this.cost.add("| "
						+ ((roles == 0) ? "no role in active-standby mode"
								: roles + " role" + ((roles > 1) ? "s" : "")
										+ " of its own (`ha.roles.<name>.activeStandby.enabled=true`)")
						+ " | " + (int) figures[0] + " | " + fmt(figures[1]) + " | "
						+ ((roles == 0) ? "" : Integer.toString((int) (figures[0] - base[0]))) + " | "
						+ ((roles == 0) ? "" : fmt(figures[1] - base[1])) + " |"));
	}

	void scale(int candidates, Samples ours, double oursRequests, Samples etcd, double etcdRequests) {
		if (this.scale.isEmpty()) {
			// no ratio: ours are contexts closed in one JVM, etcd's processes sent
			// SIGTERM,
			// so the two are measured differently and are not compared
			this.scale.add("| candidates | handovers | coordinator-ha (contexts closed in one JVM) median / max ms "
					+ "| its etcd requests per handover | `etcdctl elect` (processes sent SIGTERM; not comparable) "
					+ "median / max ms | its etcd requests per handover |");
			this.scale.add("|---|---|---|---|---|---|");
		}
		this.scale.add("| " + candidates + " | " + ours.count() + " | " + fmt(ours.median()) + " / " + fmt(ours.max())
				+ " | " + fmt(oursRequests) + " | " + fmt(etcd.median()) + " / " + fmt(etcd.max()) + " | "
				+ fmt(etcdRequests) + " |");
	}

	String markdown() {
		List<String> all = new ArrayList<>(this.header);
		all.add("Load average (1, 5, 15 min): " + String.join("; ", this.loads) + ".");
		for (List<String> table : List.of(this.latency, this.rest, this.cost, this.scale)) {
			if (!table.isEmpty()) {
				all.add("");
				all.addAll(table);
			}
		}
		return String.join("\n", all) + "\n";
	}

	private static String triple(Samples samples) {
		return fmt(samples.median()) + " / " + fmt(samples.percentile(99)) + " / " + fmt(samples.max());
	}

	private static String ratio(Samples ours, Samples theirs) {
		return fmt(ours.median() / theirs.median()) + "x";
	}

	static String fmt(double value) {
		if (Double.isNaN(value)) {
			return "-";
		}
		return String.format(Locale.ROOT, (Math.abs(value) >= 100) ? "%.0f" : "%.1f", value);
	}

}
