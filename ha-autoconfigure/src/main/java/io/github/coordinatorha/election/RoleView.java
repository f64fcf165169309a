package io.github.coordinatorha.election;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import org.jspecify.annotations.Nullable;

/**
 * A node's picture of one role's keys in etcd, as an immutable value: the ACTIVE key and
 * the session of every candidate, built from one read and brought up to date by the watch
 * that follows it and by the answers to this node's own writes.
 * <p>
 * It names the successor too: when the ACTIVE key is gone, only the candidate whose
 * session was written longest ago competes, so one standby wakes per handover however
 * many wait. A node that resigns rewrites its session and so goes to the back of the
 * queue.
 */
final class RoleView {

	private final RoleKeys keys;

	private final Map<String, Candidate> candidates;

	private final @Nullable ActiveHolder active;

	/**
	 * The revision at which {@link #active} was last known true. This node's own claims
	 * and resignations are applied as soon as etcd confirms them, before the watch
	 * reports them; older news of the ACTIVE key that the watch delivers later is then
	 * ignored.
	 */
	private final long activeRevision;

	private RoleView(RoleKeys keys, Map<String, Candidate> candidates, @Nullable ActiveHolder active,
			long activeRevision) {
		this.keys = keys;
		this.candidates = candidates;
		this.active = active;
		this.activeRevision = activeRevision;
	}

	/**
	 * The view of a read of the role's range.
	 * @param keys the role's keys
	 * @param keyValues what the read found
	 * @param revision the revision it was read at
	 * @return the view
	 */
	static RoleView read(RoleKeys keys, List<KeyValue> keyValues, long revision) {
		RoleView view = new RoleView(keys, Map.of(), null, 0);
		for (KeyValue keyValue : keyValues) {
			view = view.observe(keyValue);
		}
		return new RoleView(keys, view.candidates, view.active, revision);
	}

	/**
	 * The view after one watch event.
	 */
	RoleView apply(WatchEvent event) {
		KeyValue keyValue = event.keyValue();
		if (!event.deleted()) {
			return observe(keyValue);
		}
		if (keyValue.key().equals(this.keys.activeKey())) {
			return activeDeleted(keyValue.modRevision());
		}
		Candidate known = this.candidates.get(keyValue.key());
		if (known == null || known.modRevision() >= keyValue.modRevision()) {
			return this;
		}
		Map<String, Candidate> candidates = new HashMap<>(this.candidates);
		candidates.remove(keyValue.key());
		return new RoleView(this.keys, Map.copyOf(candidates), this.active, this.activeRevision);
	}

	/**
	 * The view after learning of a key of the role's range as etcd holds it.
	 */
	RoleView observe(KeyValue keyValue) {
		if (keyValue.key().equals(this.keys.activeKey())) {
			if (keyValue.modRevision() <= this.activeRevision) {
				return this;
			}
			ActiveHolder holder = new ActiveHolder(keyValue.modRevision(), keyValue.createRevision(),
					keyValue.leaseId(), SessionCodec.decode(keyValue.value()), keyValue.value());
			return new RoleView(this.keys, this.candidates, holder, keyValue.modRevision());
		}
		OptionalLong serverId = this.keys.serverIdOf(keyValue.key());
		if (serverId.isEmpty()) {
			return this;
		}
		return sessionWritten(keyValue.key(), serverId.getAsLong(), keyValue.modRevision(), keyValue.leaseId(),
				keyValue.value());
	}

	/**
	 * The view after a session was written at {@code revision} (this node's own, as soon
	 * as etcd confirms it), unless newer news of that key is known already.
	 */
	RoleView sessionWritten(String key, long serverId, long revision, long leaseId, String value) {
		Candidate known = this.candidates.get(key);
		if (known != null && known.modRevision() > revision) {
			return this;
		}
		Map<String, Candidate> candidates = new HashMap<>(this.candidates);
		candidates.put(key, new Candidate(key, serverId, revision, leaseId, SessionCodec.decode(value), value));
		return new RoleView(this.keys, Map.copyOf(candidates), this.active, this.activeRevision);
	}

	/**
	 * The view after this node's claim, which etcd confirmed at {@code revision}.
	 */
	RoleView claimed(long revision, long leaseId, SessionInfo session) {
		return holderWritten(revision, revision, leaseId, SessionCodec.encode(session));
	}

	/**
	 * The view after this node wrote the ACTIVE key at {@code revision} (a claim, or a
	 * transfer to a successor), unless newer news of it is known already.
	 */
	RoleView holderWritten(long revision, long createRevision, long leaseId, String value) {
		if (revision <= this.activeRevision) {
			return this;
		}
		return new RoleView(this.keys, this.candidates,
				new ActiveHolder(revision, createRevision, leaseId, SessionCodec.decode(value), value), revision);
	}

	/**
	 * The view after the ACTIVE key was deleted at {@code revision}.
	 */
	RoleView activeDeleted(long revision) {
		if (revision <= this.activeRevision) {
			return this;
		}
		return new RoleView(this.keys, this.candidates, null, revision);
	}

	Optional<ActiveHolder> active() {
		return Optional.ofNullable(this.active);
	}

	/**
	 * Whether a session key holds a well-formed session of its server ID under the given
	 * lease: not deleted, nor overwritten by an operator or another program.
	 */
	boolean holdsSession(String sessionKey, long leaseId) {
		return ownership(sessionKey, leaseId) == Ownership.HELD;
	}

	/**
	 * Who holds a session key, as seen by the node whose lease is {@code leaseId}.
	 */
	Ownership ownership(String sessionKey, long leaseId) {
		Candidate candidate = this.candidates.get(sessionKey);
		if (candidate == null) {
			return Ownership.MISSING;
		}
		if (candidate.leaseId() != leaseId && candidate.leaseId() != 0) {
			return Ownership.TAKEN;
		}
		return (candidate.leaseId() == leaseId && candidate.wellFormed()) ? Ownership.HELD : Ownership.SPOILED;
	}

	/**
	 * Who holds a node's session key.
	 */
	enum Ownership {

		/**
		 * The node: its session, under its lease.
		 */
		HELD,

		/**
		 * No one: the key is gone.
		 */
		MISSING,

		/**
		 * A value that is no session of the node's, without a lease or under the node's
		 * own: an operator's or a tool's write, to be written over.
		 */
		SPOILED,

		/**
		 * Another live process, under its own lease: the server ID is in use twice (an
		 * etcd wiped or restored from a backup handed it out again).
		 */
		TAKEN

	}

	/**
	 * The lease a session key is attached to, or {@code 0}.
	 */
	long sessionLease(String sessionKey) {
		Candidate candidate = this.candidates.get(sessionKey);
		return (candidate != null) ? candidate.leaseId() : 0;
	}

	/**
	 * Every session key of the role, by server ID.
	 */
	List<Candidate> candidates() {
		return this.candidates.values().stream().sorted(Comparator.comparingLong(Candidate::serverId)).toList();
	}

	int candidateCount() {
		return this.candidates.size();
	}

	/**
	 * The session key of the candidate that should compete next, among well-formed
	 * sessions that are not stopping, in the order of {@code succession}.
	 */
	Optional<String> successor(Succession succession) {
		return successorsExcluding(null, succession).stream().findFirst().map(Candidate::key);
	}

	/**
	 * The server ID of the candidate that would compete next if {@code sessionKey}'s node
	 * stepped aside, or {@code 0} if there is none.
	 */
	long successorServerIdExcluding(String sessionKey, Succession succession) {
		return successorsExcluding(sessionKey, succession).stream().findFirst().map(Candidate::serverId).orElse(0L);
	}

	/**
	 * Every candidate but {@code excluded} that could take the role, best first.
	 */
	List<Candidate> successorsExcluding(@Nullable String excluded, Succession succession) {
		return this.candidates.values()
			.stream()
			.filter(Candidate::eligible)
			.filter((candidate) -> !candidate.key().equals(excluded))
			.sorted(succession.order())
			.toList();
	}

	/**
	 * A session's place in line under {@code succession}: {@code 1} takes the role next;
	 * {@code 0} for the active's session and for one that cannot take the role.
	 */
	int rank(String sessionKey, Succession succession) {
		long activeServerId = active().map(ActiveHolder::serverId).orElse(0L);
		List<String> inLine = successorsExcluding(null, succession).stream()
			.filter((candidate) -> candidate.serverId() != activeServerId)
			.map(Candidate::key)
			.toList();
		return inLine.indexOf(sessionKey) + 1;
	}

	Optional<Candidate> candidate(String sessionKey) {
		return Optional.ofNullable(this.candidates.get(sessionKey));
	}

	/**
	 * The holder of the ACTIVE key as this view last saw it.
	 *
	 * @param term the key's mod revision: the holder's term, which a transfer to a
	 * successor changes, and the revision of its fencing token
	 * @param createRevision the revision the key was created at, which a transfer keeps
	 * @param leaseId the lease the key is attached to
	 * @param session the holder's session, empty when the value is not one of ours
	 * @param value the key's value as etcd holds it
	 */
	record ActiveHolder(long term, long createRevision, long leaseId, Optional<SessionInfo> session, String value) {

		long serverId() {
			return this.session.map(SessionInfo::serverId).orElse(0L);
		}

		@Nullable String address() {
			return this.session.map(SessionInfo::address).orElse(null);
		}

	}

	/**
	 * A candidate's session as etcd holds it.
	 *
	 * @param key its session key
	 * @param serverId the server ID the key names
	 * @param modRevision the revision of its last write
	 * @param leaseId the lease it is attached to
	 * @param session the session, empty when the value is not one of ours
	 * @param value the value as etcd holds it
	 */
	record Candidate(String key, long serverId, long modRevision, long leaseId, Optional<SessionInfo> session,
			String value) {

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
