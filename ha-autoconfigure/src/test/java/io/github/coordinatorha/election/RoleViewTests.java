package io.github.coordinatorha.election;

import java.util.List;

import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The successor queue and the view of the ACTIVE key, from etcd key-values.
 */
class RoleViewTests {

	private final RoleKeys keys = new RoleKeys(new EtcdKeys("by-dev", "meta"), "rootCoord");

	@Test
	void theSuccessorIsTheSessionWrittenLongestAgo() {
		RoleView view = read(40, session(7, 30), session(3, 20), session(5, 40));
		assertThat(view.successor(Succession.OLDEST)).contains("by-dev/meta/session/rootcoord-3");
		assertThat(view.successorServerIdExcluding("by-dev/meta/session/rootcoord-3", Succession.OLDEST)).isEqualTo(7);
	}

	@Test
	void aRewrittenSessionGoesToTheBackOfTheQueue() {
		RoleView view = read(40, session(3, 20), session(5, 40)).apply(put(session(3, 50)));
		assertThat(view.successor(Succession.OLDEST)).contains("by-dev/meta/session/rootcoord-5");
	}

	@Test
	void foreignValuesAndStoppingSessionsAreNotSuccessors() {
		RoleView view = read(12, keyValue("by-dev/meta/session/rootcoord-2", "not json", 10, 10, 0),
				keyValue("by-dev/meta/session/rootcoord-3", json(3, true), 11, 11, 0), session(4, 12));
		assertThat(view.successor(Succession.OLDEST)).contains("by-dev/meta/session/rootcoord-4");
		assertThat(view.candidateCount()).isEqualTo(3);
	}

	@Test
	void keysOfOtherRolesInTheRangeAreIgnored() {
		RoleView view = read(6, keyValue("by-dev/meta/session/rootcoordx-1", json(1, false), 5, 5, 0),
				keyValue("by-dev/meta/session/rootcoord-abc", json(1, false), 6, 6, 0));
		assertThat(view.successor(Succession.OLDEST)).isEmpty();
		assertThat(view.active()).isEmpty();
	}

	@Test
	void theActiveKeyIsTrackedWithItsCreateRevisionAndLease() {
		RoleView view = read(42, keyValue("by-dev/meta/session/rootcoord", json(9, false), 42, 42, 77));
		assertThat(view.active()).hasValueSatisfying((holder) -> {
			assertThat(holder.term()).isEqualTo(42);
			assertThat(holder.createRevision()).isEqualTo(42);
			assertThat(holder.leaseId()).isEqualTo(77);
			assertThat(holder.serverId()).isEqualTo(9);
			assertThat(holder.address()).isEqualTo("127.0.0.1:9");
		});
		assertThat(view.apply(delete("by-dev/meta/session/rootcoord", 43)).active()).isEmpty();
	}

	@Test
	void anActiveKeyWithAForeignValueIsStillHeld() {
		RoleView view = read(42, keyValue("by-dev/meta/session/rootcoord", "{oops", 42, 42, 0));
		assertThat(view.active()).hasValueSatisfying((holder) -> {
			assertThat(holder.serverId()).isZero();
			assertThat(holder.address()).isNull();
		});
	}

	@Test
	void ourConfirmedClaimIsNotUndoneByOlderNewsFromTheWatch() {
		RoleView claimed = read(10, session(1, 10)).claimed(20, 5,
				SessionInfo.of(1, "rootcoord", "a", "v", 5L, "h", null));
		// the watch catches up with what happened before our claim: someone held the key
		// and let go
		RoleView caughtUp = claimed.apply(put(keyValue("by-dev/meta/session/rootcoord", json(7, false), 12, 12, 9)))
			.apply(delete("by-dev/meta/session/rootcoord", 13));
		assertThat(caughtUp.active()).hasValueSatisfying((holder) -> assertThat(holder.term()).isEqualTo(20));
		assertThat(caughtUp.apply(delete("by-dev/meta/session/rootcoord", 25)).active()).isEmpty();
	}

	@Test
	void aViewIsAValueThatChangesNeverInPlace() {
		RoleView before = read(40, session(3, 20));
		RoleView after = before.apply(put(session(5, 41))).apply(delete("by-dev/meta/session/rootcoord-3", 42));
		assertThat(before.successor(Succession.OLDEST)).contains("by-dev/meta/session/rootcoord-3");
		assertThat(after.successor(Succession.OLDEST)).contains("by-dev/meta/session/rootcoord-5");
	}

	@Test
	void aDeletionOlderThanTheSessionKnownIsIgnored() {
		RoleView view = read(40, session(3, 40)).apply(delete("by-dev/meta/session/rootcoord-3", 30));
		assertThat(view.successor(Succession.OLDEST)).contains("by-dev/meta/session/rootcoord-3");
	}

	private RoleView read(long revision, KeyValue... keyValues) {
		return RoleView.read(this.keys, List.of(keyValues), revision);
	}

	private static WatchEvent put(KeyValue keyValue) {
		return new WatchEvent(false, keyValue);
	}

	private static WatchEvent delete(String key, long revision) {
		return new WatchEvent(true, new KeyValue(key, "", 0, revision, 0, 0));
	}

	private static KeyValue session(long serverId, long modRevision) {
		return keyValue("by-dev/meta/session/rootcoord-" + serverId, json(serverId, false), modRevision, modRevision,
				1);
	}

	private static String json(long serverId, boolean stopping) {
		return "{\"ServerID\":" + serverId + ",\"ServerName\":\"rootcoord\",\"Address\":\"127.0.0.1:" + serverId
				+ "\",\"Stopping\":" + stopping + ",\"SomethingNew\":1}";
	}

	private static KeyValue keyValue(String key, String value, long createRevision, long modRevision, long lease) {
		return new KeyValue(key, value, createRevision, modRevision, 1, lease);
	}

}
