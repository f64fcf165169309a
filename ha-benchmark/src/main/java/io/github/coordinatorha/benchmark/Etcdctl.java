package io.github.coordinatorha.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.coordinatorha.test.etcd.EtcdBinaries;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.NodeProcess;

/**
 * etcd's own election, run by {@code etcdctl} against the same etcd:
 * {@code etcdctl elect} (which prints its proposal once elected, and resigns on SIGTERM
 * as on SIGINT), or {@code etcdctl lock --ttl} for crashes ({@code elect} has no TTL
 * option: its session keeps etcdctl's 60 s). Neither prints anything while it waits, so a
 * candidate is a ready standby once etcd holds a key for every live candidate of the
 * group: its own key is in the queue.
 */
final class Etcdctl implements Contender {

	private final EtcdCluster etcd;

	private final Path logs;

	private final boolean lock;

	private final Map<String, List<NodeProcess>> groups = new ConcurrentHashMap<>();

	private int count;

	private Etcdctl(EtcdCluster etcd, Path logs, boolean lock) {
		this.etcd = etcd;
		this.logs = logs;
		this.lock = lock;
	}

	static Etcdctl elect(EtcdCluster etcd, Path logs) {
		return new Etcdctl(etcd, logs, false);
	}

	static Etcdctl lock(EtcdCluster etcd, Path logs) {
		return new Etcdctl(etcd, logs, true);
	}

	@Override
	public String name() {
		return this.lock ? "etcdctl lock" : "etcdctl elect";
	}

	@Override
	public ProcessCandidate start(String group, Duration ttl) {
		String proposal = "p" + (++this.count);
		List<String> command = new ArrayList<>(
				List.of(EtcdBinaries.etcdctl().toString(), "--endpoints=" + this.etcd.endpoints()));
		if (this.lock) {
			command.addAll(List.of("lock", "--ttl", Long.toString(ttl.toSeconds()), group));
		}
		else {
			command.addAll(List.of("elect", group, proposal));
		}
		String name = (this.lock ? "lock-" : "elect-") + proposal;
		NodeProcess process = NodeProcess.start(name, command, this.logs.resolve(name + ".log"));
		List<NodeProcess> members = this.groups.computeIfAbsent(group, (key) -> new ArrayList<>());
		synchronized (members) {
			members.add(process);
		}
		// elect prints the proposal once elected; lock prints the key it holds
		String granted = this.lock ? "^" + group + "/" : "^" + proposal + "$";
		return new ProcessCandidate(process, granted, (timeout) -> awaitQueued(group, name, process, timeout), 0);
	}

	private void awaitQueued(String group, String name, NodeProcess process, Duration timeout) {
		List<NodeProcess> members = this.groups.get(group);
		Waits.until(timeout, name + " to queue in " + group, () -> {
			if (!process.isAlive()) {
				throw new IllegalStateException(name + " exited:\n" + process.tail(20));
			}
			long alive;
			synchronized (members) {
				alive = members.stream().filter(NodeProcess::isAlive).count();
			}
			return keys(group) == alive;
		});
	}

	private long keys(String prefix) {
		return this.etcd.etcdctl("get", "--prefix", "--keys-only", prefix + "/")
			.lines()
			.filter((line) -> !line.isBlank())
			.count();
	}

}
