package io.github.coordinatorha.election;

import java.util.List;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.watch.WatchEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The successor queue and the view of the ACTIVE key, from etcd key-values.
 */
class RoleViewTests {

	private final EtcdKeys keys = new EtcdKeys("by-dev", "meta");

	private final RoleView view = new RoleView(this.keys, "rootcoord");

	@Test
	void theSuccessorIsTheSessionWrittenLongestAgo() {
		this.view.reset(List.of(session(7, 30), session(3, 20), session(5, 40)), 40);
		assertThat(this.view.successor()).contains("by-dev/meta/session/rootcoord-3");
		assertThat(this.view.successorServerIdExcluding("by-dev/meta/session/rootcoord-3")).isEqualTo(7);
	}

	@Test
	void aRewrittenSessionGoesToTheBackOfTheQueue() {
		this.view.reset(List.of(session(3, 20), session(5, 40)), 40);
		this.view.apply(new WatchEvent(session(3, 50), null, WatchEvent.EventType.PUT));
		assertThat(this.view.successor()).contains("by-dev/meta/session/rootcoord-5");
	}

	@Test
	void foreignValuesAndStoppingSessionsAreNotSuccessors() {
		this.view.reset(List.of(keyValue("by-dev/meta/session/rootcoord-2", "not json", 10, 10, 0),
				keyValue("by-dev/meta/session/rootcoord-3", json(3, true), 11, 11, 0), session(4, 12)), 12);
		assertThat(this.view.successor()).contains("by-dev/meta/session/rootcoord-4");
		assertThat(this.view.candidateCount()).isEqualTo(3);
	}

	@Test
	void keysOfOtherRolesInTheRangeAreIgnored() {
		this.view.reset(List.of(keyValue("by-dev/meta/session/rootcoordx-1", json(1, false), 5, 5, 0),
				keyValue("by-dev/meta/session/rootcoord-abc", json(1, false), 6, 6, 0)), 6);
		assertThat(this.view.successor()).isEmpty();
		assertThat(this.view.active()).isEmpty();
	}

	@Test
	void theActiveKeyIsTrackedWithItsCreateRevisionAndLease() {
		this.view.reset(List.of(keyValue("by-dev/meta/session/rootcoord", json(9, false), 42, 42, 77)), 42);
		assertThat(this.view.active()).hasValueSatisfying((holder) -> {
			assertThat(holder.createRevision()).isEqualTo(42);
			assertThat(holder.leaseId()).isEqualTo(77);
			assertThat(holder.serverId()).isEqualTo(9);
			assertThat(holder.address()).isEqualTo("127.0.0.1:9");
		});
		this.view.apply(new WatchEvent(keyValue("by-dev/meta/session/rootcoord", "", 0, 43, 0), null,
				WatchEvent.EventType.DELETE));
		assertThat(this.view.active()).isEmpty();
	}

	@Test
	void anActiveKeyWithAForeignValueIsStillHeld() {
		this.view.reset(List.of(keyValue("by-dev/meta/session/rootcoord", "{oops", 42, 42, 0)), 42);
		assertThat(this.view.active()).hasValueSatisfying((holder) -> {
			assertThat(holder.serverId()).isZero();
			assertThat(holder.address()).isNull();
		});
	}

	@Test
	void ourConfirmedClaimIsNotUndoneByOlderNewsFromTheWatch() {
		this.view.reset(List.of(session(1, 10)), 10);
		this.view.claimed(20, 5, new SessionInfo(1, "rootcoord", "a", true, true, "v", 5L, "h", false, null));
		// the watch catches up with what happened before our claim: someone held the key and let go
		this.view.apply(new WatchEvent(keyValue("by-dev/meta/session/rootcoord", json(7, false), 12, 12, 9), null,
				WatchEvent.EventType.PUT));
		this.view.apply(new WatchEvent(keyValue("by-dev/meta/session/rootcoord", "", 0, 13, 0), null,
				WatchEvent.EventType.DELETE));
		assertThat(this.view.active()).hasValueSatisfying((holder) -> assertThat(holder.createRevision()).isEqualTo(20));
		this.view.apply(new WatchEvent(keyValue("by-dev/meta/session/rootcoord", "", 0, 25, 0), null,
				WatchEvent.EventType.DELETE));
		assertThat(this.view.active()).isEmpty();
	}

	private KeyValue session(long serverId, long modRevision) {
		return keyValue("by-dev/meta/session/rootcoord-" + serverId, json(serverId, false), modRevision, modRevision,
				1);
	}

	private static String json(long serverId, boolean stopping) {
		return "{\"ServerID\":" + serverId + ",\"ServerName\":\"rootcoord\",\"Address\":\"127.0.0.1:" + serverId
				+ "\",\"Stopping\":" + stopping + ",\"SomethingNew\":1}";
	}

	private static KeyValue keyValue(String key, String value, long createRevision, long modRevision, long lease) {
		io.etcd.jetcd.api.KeyValue proto = io.etcd.jetcd.api.KeyValue.newBuilder()
			.setKey(com.google.protobuf.ByteString.copyFromUtf8(key))
			.setValue(com.google.protobuf.ByteString.copyFromUtf8(value))
			.setCreateRevision(createRevision)
			.setModRevision(modRevision)
			.setLease(lease)
			.build();
		return new KeyValue(proto, io.etcd.jetcd.ByteSequence.EMPTY);
	}

}
