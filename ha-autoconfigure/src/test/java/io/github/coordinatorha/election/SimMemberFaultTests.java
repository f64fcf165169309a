package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.github.coordinatorha.election.SimEtcd.Settings;
import io.github.coordinatorha.election.SimNode.SimSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 5, on the simulator: a standby whose watch sits on a member cut off from
 * the majority, while its keepalives go through the others, must still take over when the
 * active dies. It does because the member ends watches that ask for a leader; one that
 * does not ask (jetcd's default) falls silent, and the standby never hears.
 */
class SimMemberFaultTests {

	private static final long SECOND = SimRun.SECOND;

	private static final String ROLE = "rootCoord";

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5 })
	void aStandbyWatchingThroughAMemberCutOffTakesOverWhenTheActiveDies(long seed) {
		assertThat(takesOver(seed, true)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5 })
	void aStandbyWhoseWatchDoesNotAskForALeaderNeverHearsThatTheActiveDied(long seed) {
		assertThat(takesOver(seed, false)).isFalse();
	}

	/**
	 * n1 active, n2 standby; the member that serves n2's watch of the role is cut off
	 * from the majority, then n1 crashes. Whether n2 is ACTIVE within 30 simulated
	 * seconds (ten TTLs).
	 */
	private static boolean takesOver(long seed, boolean watchesRequireLeader) {
		SimWorld world = new SimWorld(seed, 0);
		SimEtcd etcd = new SimEtcd(world, Settings.defaults().withMembers(3));
		etcd.watchesRequireLeader(watchesRequireLeader);
		SimSettings settings = new SimSettings(Duration.ofSeconds(3), Duration.ofMillis(500), 0.01, "sim",
				SimFaults.none());
		SimNode first = new SimNode(world, etcd, "n1", List.of(ROLE), settings, (node, token) -> {
		});
		SimNode second = new SimNode(world, etcd, "n2", List.of(ROLE), settings, (node, token) -> {
		});
		first.start();
		assertThat(world.runUntil(() -> first.isActive(ROLE), 10 * SECOND)).isTrue();
		second.start();
		String activeKey = new RoleKeys(new EtcdKeys("sim", "meta"), ROLE).activeKey();
		assertThat(world.runUntil(() -> watching(second, etcd, activeKey) >= 0, world.now() + 10 * SECOND)).isTrue();
		world.runFor(2 * SECOND);
		int member = watching(second, etcd, activeKey);
		assertThat(member).isNotNegative();
		etcd.isolate(member);
		first.crash();
		long crashed = world.now();
		boolean tookOver = world.runUntil(() -> second.isActive(ROLE), crashed + 30 * SECOND);
		assertThat(first.isActive(ROLE)).isFalse();
		return tookOver;
	}

	private static int watching(SimNode node, SimEtcd etcd, String key) {
		return IntStream.range(0, etcd.members())
			.filter((member) -> node.gateway().member(member).watches(key))
			.findFirst()
			.orElse(-1);
	}

}
