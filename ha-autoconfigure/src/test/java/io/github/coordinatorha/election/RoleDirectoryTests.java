package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.directory.ActiveChangedEvent;
import io.github.coordinatorha.directory.ActiveMember;
import io.github.coordinatorha.directory.RoleDirectory;
import io.github.coordinatorha.directory.RoleMember;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The role directory against a real etcd: an application that only observes follows each
 * role's active through claims, handovers and stops, reads what Milvus writes, watches
 * again after etcd restarts, and writes nothing. (ProxyHandoverIT follows it through
 * crashes.)
 */
class RoleDirectoryTests {

	private static final String ROOT = "rootCoord";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final List<TestNode> nodes = new ArrayList<>();

	private final String rootPath = "directory-" + System.nanoTime();

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(TestNode::close);
	}

	private TestNode candidate(int port) {
		return start("rootCoord.activeStandby.enabled=true", "ha.session.address=127.0.0.1:" + port);
	}

	private TestNode observer(String roles) {
		return start("ha.directory.roles=" + roles);
	}

	private TestNode start(String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("ha.etcd.root-path=" + this.rootPath);
		TestNode node = TestNode.start(etcd.cluster(), all.toArray(String[]::new));
		this.nodes.add(node);
		return node;
	}

	@Test
	void anObserverFollowsTheActiveThroughAClaimAHandoverAndAStopAndPublishesEachChange() throws Exception {
		TestNode observer = observer("rootCoord");
		RoleDirectory directory = observer.directory();
		TestNode first = candidate(7001);
		await().atMost(Duration.ofSeconds(20)).until(() -> first.isActive(ROOT));
		ActiveMember firstTerm = directory.awaitActive(ROOT, Duration.ofSeconds(10)).orElseThrow();
		assertThat(firstTerm.serverId()).isEqualTo(first.serverId(ROOT));
		assertThat(firstTerm.address()).isEqualTo("127.0.0.1:7001");
		assertThat(firstTerm.term()).isEqualTo(first.activeStandby().fencingToken(ROOT).revision());

		TestNode second = candidate(7002);
		await().atMost(Duration.ofSeconds(10)).until(() -> directory.members(ROOT).size() == 2);
		assertThat(directory.members(ROOT)).extracting(RoleMember::serverId, RoleMember::address, RoleMember::state)
			.containsExactly(tuple(first.serverId(ROOT), "127.0.0.1:7001", RoleState.ACTIVE),
					tuple(second.serverId(ROOT), "127.0.0.1:7002", RoleState.STANDBY));

		assertThat(first.activeStandby().handOver(ROOT).isHandedOver()).isTrue();
		ActiveMember secondTerm = directory.awaitNewActive(firstTerm, Duration.ofSeconds(10)).orElseThrow();
		assertThat(secondTerm.serverId()).isEqualTo(second.serverId(ROOT));
		// the observer may see the handover before the successor's own watch does
		await().atMost(Duration.ofSeconds(10)).until(() -> second.isActive(ROOT));
		assertThat(secondTerm.term()).isEqualTo(second.activeStandby().fencingToken(ROOT).revision());

		second.close();
		ActiveMember thirdTerm = directory.awaitNewActive(secondTerm, Duration.ofSeconds(10)).orElseThrow();
		assertThat(thirdTerm.serverId()).isEqualTo(first.serverId(ROOT));

		await().atMost(Duration.ofSeconds(5)).until(() -> observer.directoryEvents().size() == 3);
		assertThat(observer.directoryEvents()).extracting(ActiveChangedEvent::getRole).containsOnly(ROOT);
		assertThat(observer.directoryEvents()).extracting((event) -> event.getPrevious().orElse(null))
			.containsExactly(null, firstTerm, secondTerm);
		assertThat(observer.directoryEvents()).extracting((event) -> event.getCurrent().orElse(null))
			.containsExactly(firstTerm, secondTerm, thirdTerm);
		assertThat(observer.context().getBean(TestNode.DirectoryRecorder.class).threads)
			.containsOnly("ha-directory-events");
		assertThat(thirdTerm.term()).isGreaterThan(secondTerm.term());
	}

	@Test
	void anObserverReadsTheSessionsMilvusWritesAndWritesNothingToEtcd() throws Exception {
		String lease = leaseGrant();
		String session = "{\"ServerID\":7,\"ServerName\":\"rootcoord\",\"Address\":\"10.0.0.7:53100\","
				+ "\"Exclusive\":true,\"Stopping\":false,\"TriggerKill\":true,\"Version\":\"2.4.5\","
				+ "\"IndexEngineVersion\":{\"MinimalIndexVersion\":0,\"CurrentIndexVersion\":4}," + "\"LeaseID\":"
				+ Long.parseLong(lease, 16) + ",\"HostName\":\"milvus-rootcoord-0\",\"EnableDisk\":false,"
				+ "\"ServerLabels\":{}}";
		String standby = session.replace("\"ServerID\":7", "\"ServerID\":8").replace("10.0.0.7", "10.0.0.8");
		String sessions = this.rootPath + "/meta/session/";
		etcd.etcdctl("put", "--lease=" + lease, sessions + "rootcoord-7", session);
		etcd.etcdctl("put", "--lease=" + lease, sessions + "rootcoord-8", standby);
		etcd.etcdctl("put", "--lease=" + lease, sessions + "rootcoord", session);
		etcd.etcdctl("put", "--lease=" + lease, sessions + "querycoord-9",
				standby.replace("\"ServerID\":8", "\"ServerID\":9"));
		// a coordinator outside active-standby mode writes only the role's key
		etcd.etcdctl("put", "--lease=" + lease, sessions + "datacoord",
				standby.replace("\"ServerID\":8", "\"ServerID\":10"));
		long revision = revision();
		String leases = etcd.etcdctl("lease", "list");

		TestNode observer = observer("rootCoord,queryCoord,dataCoord");
		RoleDirectory directory = observer.directory();
		ActiveMember active = directory.awaitActive("rootcoord", Duration.ofSeconds(10)).orElseThrow();
		assertThat(active.role()).isEqualTo(ROOT);
		assertThat(active.serverId()).isEqualTo(7);
		assertThat(active.address()).isEqualTo("10.0.0.7:53100");
		await().atMost(Duration.ofSeconds(5)).until(() -> directory.members(ROOT).size() == 2);
		assertThat(directory.members(ROOT).get(0)).isEqualTo(
				new RoleMember(ROOT, 7, "10.0.0.7:53100", RoleState.ACTIVE, "milvus-rootcoord-0", "2.4.5", false));
		assertThat(directory.members(ROOT).get(1).state()).isEqualTo(RoleState.STANDBY);
		assertThat(directory.members("queryCoord")).extracting(RoleMember::serverId).containsExactly(9L);
		assertThat(directory.active("queryCoord")).isEmpty();
		assertThat(directory.members("dataCoord")).extracting(RoleMember::serverId, RoleMember::state)
			.containsExactly(tuple(10L, RoleState.ACTIVE));
		observer.close();
		assertThat(revision()).isEqualTo(revision);
		assertThat(etcd.etcdctl("lease", "list")).isEqualTo(leases);
	}

	@Test
	void afterEtcdRestartsTheObserverWatchesAgainAndSeesTheNextActive() throws Exception {
		String sessions = this.rootPath + "/meta/session/";
		etcd.etcdctl("put", sessions + "rootcoord", session(11, "10.0.0.11:53100"));
		TestNode observer = observer("rootCoord");
		RoleDirectory directory = observer.directory();
		ActiveMember before = directory.awaitActive(ROOT, Duration.ofSeconds(10)).orElseThrow();
		assertThat(before.serverId()).isEqualTo(11);
		etcd.cluster().stopAll();
		etcd.cluster().startAll();
		etcd.etcdctl("put", sessions + "rootcoord", session(12, "10.0.0.12:53100"));
		ActiveMember after = directory.awaitNewActive(before, Duration.ofSeconds(20)).orElseThrow();
		assertThat(after.serverId()).isEqualTo(12);
		etcd.etcdctl("del", sessions + "rootcoord");
		await().atMost(Duration.ofSeconds(10)).until(() -> directory.active(ROOT).isEmpty());
		assertThat(observer.directoryEvents().get(observer.directoryEvents().size() - 1).getCurrent()).isEmpty();
	}

	@Test
	void anActiveKeyThatHoldsNoSessionNamesNoActive() throws Exception {
		String sessions = this.rootPath + "/meta/session/";
		etcd.etcdctl("put", sessions + "rootcoord", "not a session");
		etcd.etcdctl("put", sessions + "rootcoord-14", session(14, "10.0.0.14:53100"));
		TestNode observer = observer("rootCoord");
		RoleDirectory directory = observer.directory();
		// read: the session shows, the ACTIVE key names no one
		await().atMost(Duration.ofSeconds(10)).until(() -> directory.members(ROOT).size() == 1);
		assertThat(directory.active(ROOT)).isEmpty();
		assertThat(directory.members(ROOT).get(0).state()).isEqualTo(RoleState.STANDBY);
		etcd.etcdctl("put", sessions + "rootcoord", session(13, "10.0.0.13:53100"));
		assertThat(directory.awaitActive(ROOT, Duration.ofSeconds(10))).map(ActiveMember::serverId).hasValue(13L);
	}

	@Test
	void aRoleTheDirectoryDoesNotFollowIsRefusedNamingTheFix() {
		RoleDirectory directory = observer("rootCoord").directory();
		assertThat(directory.role("ROOTCOORD")).hasValue(ROOT);
		assertThat(directory.role("dataCoord")).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> directory.active("dataCoord"))
			.withMessage("The role directory does not follow role 'dataCoord'; it follows [rootCoord]."
					+ " Add the role to ha.directory.roles");
	}

	private static String session(long serverId, String address) {
		return "{\"ServerID\":" + serverId + ",\"ServerName\":\"rootcoord\",\"Address\":\"" + address
				+ "\",\"Exclusive\":true,\"TriggerKill\":true,\"Version\":\"2.4.5\"}";
	}

	private static String leaseGrant() {
		Matcher lease = Pattern.compile("lease ([0-9a-f]+) granted").matcher(etcd.etcdctl("lease", "grant", "60"));
		assertThat(lease.find()).isTrue();
		return lease.group(1);
	}

	private static long revision() {
		Matcher revision = Pattern.compile("\"revision\":(\\d+)").matcher(etcd.etcdctl("get", "none", "-w", "json"));
		assertThat(revision.find()).isTrue();
		return Long.parseLong(revision.group(1));
	}

}
