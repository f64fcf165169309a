package io.github.coordinatorha.election;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.watch.WatchEvent;

/**
 * A node's picture of one role's key range in etcd: the ACTIVE key and the sessions of
 * every candidate, built from one read and kept current by the watch that follows it.
 * <p>
 * It also names the successor: when the ACTIVE key is gone, only the candidate whose
 * session was written longest ago competes, so one standby wakes per handover however
 * many wait. A node that resigns rewrites its session and so goes to the back of the
 * queue.
 */
final class RoleView {

	private final EtcdKeys keys;

	private final String serverName;

	private final String activeKey;

	private final Map<String, Candidate> candidates = new HashMap<>();

	private ActiveHolder active;

	/**
	 * The revision at which {@link #active} was last known true. Our own claims and
	 * resignations are applied as soon as etcd confirms them, before the watch reports
	 * them; older news of the ACTIVE key that the watch delivers later is then ignored.
	 */
	private long activeRevision;

	RoleView(EtcdKeys keys, String serverName) {
		this.keys = keys;
		this.serverName = serverName;
		this.activeKey = keys.activeKey(serverName);
	}

	void reset(List<KeyValue> keyValues, long revision) {
		this.candidates.clear();
		this.active = null;
		this.activeRevision = 0;
		keyValues.forEach(this::observe);
		this.activeRevision = revision;
	}

	/**
	 * Applies one watch event.
	 */
	void apply(WatchEvent event) {
		if (event.getEventType() == WatchEvent.EventType.PUT) {
			observe(event.getKeyValue());
		}
		else if (event.getEventType() == WatchEvent.EventType.DELETE) {
			String key = EtcdCalls.string(event.getKeyValue().getKey());
			if (key.equals(this.activeKey)) {
				activeDeleted(event.getKeyValue().getModRevision());
			}
			else {
				Candidate known = this.candidates.get(key);
				if (known != null && known.modRevision() < event.getKeyValue().getModRevision()) {
					this.candidates.remove(key);
				}
			}
		}
	}

	/**
	 * Records a key of the role's range as read from etcd.
	 */
	void observe(KeyValue keyValue) {
		String key = EtcdCalls.string(keyValue.getKey());
		if (key.equals(this.activeKey)) {
			if (keyValue.getModRevision() > this.activeRevision) {
				this.active = new ActiveHolder(keyValue.getCreateRevision(), keyValue.getLease(),
						SessionCodec.decode(keyValue.getValue()));
				this.activeRevision = keyValue.getModRevision();
			}
			return;
		}
		OptionalLong serverId = this.keys.sessionServerId(this.serverName, key);
		if (serverId.isPresent()) {
			sessionWritten(key, serverId.getAsLong(), keyValue.getModRevision(), keyValue.getLease(),
					SessionCodec.decode(keyValue.getValue()));
		}
	}

	/**
	 * Records a session written at {@code revision}, ours as soon as etcd confirms it,
	 * unless newer news of it is known already.
	 */
	void sessionWritten(String key, long serverId, long revision, long leaseId, Optional<SessionInfo> session) {
		Candidate known = this.candidates.get(key);
		if (known == null || known.modRevision() <= revision) {
			this.candidates.put(key, new Candidate(key, serverId, revision, leaseId, session));
		}
	}

	/**
	 * Records a claim of ours that etcd confirmed at {@code revision}.
	 */
	void claimed(long revision, long leaseId, SessionInfo session) {
		if (revision > this.activeRevision) {
			this.active = new ActiveHolder(revision, leaseId, Optional.of(session));
			this.activeRevision = revision;
		}
	}

	/**
	 * Records that the ACTIVE key was deleted at {@code revision}.
	 */
	void activeDeleted(long revision) {
		if (revision > this.activeRevision) {
			this.active = null;
			this.activeRevision = revision;
		}
	}

	Optional<ActiveHolder> active() {
		return Optional.ofNullable(this.active);
	}

	/**
	 * Whether a session key holds a well-formed session of its server ID under the given
	 * lease: not deleted, nor overwritten by an operator or another program.
	 */
	boolean holdsSession(String sessionKey, long leaseId) {
		Candidate candidate = this.candidates.get(sessionKey);
		return candidate != null && candidate.leaseId() == leaseId && candidate.wellFormed();
	}

	int candidateCount() {
		return this.candidates.size();
	}

	/**
	 * The session key of the candidate that should compete next: the one written
	 * longest ago among well-formed sessions that are not stopping.
	 */
	Optional<String> successor() {
		return this.candidates.values()
			.stream()
			.filter(Candidate::eligible)
			.min(Comparator.comparingLong(Candidate::modRevision))
			.map(Candidate::key);
	}

	/**
	 * The server ID of the candidate that would compete next if {@code sessionKey}'s
	 * node stepped aside, or {@code 0} if there is none.
	 */
	long successorServerIdExcluding(String sessionKey) {
		return this.candidates.values()
			.stream()
			.filter(Candidate::eligible)
			.filter((candidate) -> !candidate.key().equals(sessionKey))
			.min(Comparator.comparingLong(Candidate::modRevision))
			.map(Candidate::serverId)
			.orElse(0L);
	}

	/**
	 * The holder of the ACTIVE key as this view last saw it.
	 *
	 * @param createRevision the key's create revision: the holder's fencing token
	 * @param leaseId the lease the key is attached to
	 * @param session the holder's session, empty when the value is not one of ours
	 */
	record ActiveHolder(long createRevision, long leaseId, Optional<SessionInfo> session) {

		long serverId() {
			return this.session.map(SessionInfo::serverId).orElse(0L);
		}

		String address() {
			return this.session.map(SessionInfo::address).orElse(null);
		}

	}

	private record Candidate(String key, long serverId, long modRevision, long leaseId,
			Optional<SessionInfo> session) {

		/**
		 * Whether the key holds a session of the server ID its name carries.
		 */
		boolean wellFormed() {
			return this.session.filter((info) -> info.serverId() == this.serverId).isPresent();
		}

		boolean eligible() {
			return wellFormed() && !this.session.get().stopping();
		}

	}

}
