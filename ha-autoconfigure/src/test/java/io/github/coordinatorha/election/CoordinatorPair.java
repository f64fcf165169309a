package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.coordinatorha.test.etcd.EtcdCluster;

import static org.awaitility.Awaitility.await;

/**
 * Two rootCoord candidates in this JVM, each with its web side on loopback, the first
 * active and the second its standby; and any further nodes a test starts beside them
 * under the same root path. Closes them all.
 */
final class CoordinatorPair implements AutoCloseable {

	static final String ROOT = "rootCoord";

	final FakeCoordinator firstWeb;

	final FakeCoordinator secondWeb;

	final TestNode first;

	final TestNode second;

	private final EtcdCluster etcd;

	private final String rootPath;

	private final List<AutoCloseable> closing = new ArrayList<>();

	CoordinatorPair(EtcdCluster etcd, String rootPath) {
		this.etcd = etcd;
		this.rootPath = rootPath;
		this.firstWeb = web();
		this.first = candidate(this.firstWeb);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.first.isActive(ROOT));
		this.secondWeb = web();
		this.second = candidate(this.secondWeb);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.second.activeStandby().status(ROOT).activeServerId() != 0);
	}

	private TestNode candidate(FakeCoordinator web) {
		TestNode node = node("rootCoord.activeStandby.enabled=true", "ha.session.address=127.0.0.1:" + web.port());
		web.serving(node);
		return node;
	}

	/**
	 * Another node under the pair's root path, closed with the pair.
	 */
	TestNode node(String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("ha.etcd.root-path=" + this.rootPath);
		TestNode node = TestNode.start(this.etcd, all.toArray(String[]::new));
		this.closing.add(node);
		return node;
	}

	FakeCoordinator web() {
		FakeCoordinator web = FakeCoordinator.start();
		this.closing.add(web);
		return web;
	}

	static String serverId(TestNode node) {
		return Long.toString(node.serverId(ROOT));
	}

	@Override
	public void close() throws Exception {
		for (AutoCloseable closeable : this.closing) {
			closeable.close();
		}
	}

}
