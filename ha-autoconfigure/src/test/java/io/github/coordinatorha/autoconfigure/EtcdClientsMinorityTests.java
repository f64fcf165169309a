package io.github.coordinatorha.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's etcd client on a three-member etcd with one member cut off from the
 * majority while clients still reach it: that member answers every call with "no leader",
 * and round robin sends it every third call. A session opens with four calls in a row (a
 * txn, a get, a txn and a lease grant, as {@code ServerIdAllocator} and
 * {@code NodeSession} make them), so without a retry on another member every opening
 * reaches the cut-off member once and fails.
 */
class EtcdClientsMinorityTests {

	private static final ByteSequence COUNTER = ByteSequence.from("minority/counter", StandardCharsets.UTF_8);

	private static EtcdCluster etcd;

	@BeforeAll
	static void startEtcd() {
		etcd = EtcdCluster.startWithPeerProxies(3);
	}

	@AfterAll
	static void stopEtcd() {
		etcd.reconnect();
		etcd.close();
	}

	@Test
	void everySessionOpeningSucceedsWhileOneMemberIsCutOffFromTheMajority() throws Exception {
		try (Client client = EtcdClients.create(etcd::clientEndpoints, new ActiveStandbyProperties.Etcd(), null)) {
			// every member has a connection of the client's
			for (int i = 0; i < 6; i++) {
				openSession(client, new String[1]);
			}
			etcd.isolate(0);
			await().atMost(Duration.ofSeconds(10)).until(() -> !etcd.hasLeader(0));
			await().atMost(Duration.ofSeconds(10)).until(() -> etcd.hasLeader(1) && etcd.hasLeader(2));
			List<String> failures = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				String[] step = new String[1];
				try {
					openSession(client, step);
				}
				catch (Exception ex) {
					failures.add("opening " + i + ", " + step[0] + ": " + ex.getMessage());
				}
			}
			assertThat(failures).as("session openings that failed").isEmpty();
		}
	}

	/**
	 * The calls of a session opening: create the counter if absent, read it, swap it,
	 * grant a lease.
	 */
	private static void openSession(Client client, String[] step) throws Exception {
		ByteSequence one = ByteSequence.from("1", StandardCharsets.UTF_8);
		step[0] = "create the counter";
		client.getKVClient()
			.txn()
			.If(new Cmp(COUNTER, Cmp.Op.EQUAL, CmpTarget.version(0)))
			.Then(Op.put(COUNTER, one, PutOption.DEFAULT))
			.commit()
			.get(5, TimeUnit.SECONDS);
		step[0] = "read the counter";
		long modRevision = client.getKVClient().get(COUNTER).get(5, TimeUnit.SECONDS).getKvs().get(0).getModRevision();
		step[0] = "swap the counter";
		client.getKVClient()
			.txn()
			.If(new Cmp(COUNTER, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
			.Then(Op.put(COUNTER, one, PutOption.DEFAULT))
			.commit()
			.get(5, TimeUnit.SECONDS);
		step[0] = "grant a lease";
		client.getLeaseClient().grant(2).get(5, TimeUnit.SECONDS);
	}

}
