package io.github.coordinatorha.election;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * The keys of one role, laid out as Milvus lays out a coordinator's:
 * {@code <root>/<meta>/session/<role>} (the ACTIVE key, which holds the active's session)
 * and {@code <root>/<meta>/session/<role>-<serverId>} (one session per candidate), all in
 * the range {@code [activeKey, rangeEnd)}.
 */
final class RoleKeys {

	private final EtcdKeys keys;

	private final String serverName;

	private final String activeKey;

	private final String sessionPrefix;

	RoleKeys(EtcdKeys keys, String role) {
		this.keys = keys;
		this.serverName = role.toLowerCase(Locale.ROOT);
		this.activeKey = keys.activeKey(this.serverName);
		this.sessionPrefix = this.activeKey + "-";
	}

	/**
	 * The role's name in etcd keys and in sessions: the role's name in lower case, for
	 * example {@code rootcoord}.
	 */
	String serverName() {
		return this.serverName;
	}

	String activeKey() {
		return this.activeKey;
	}

	/**
	 * The epoch of etcd's history, which claims compare.
	 */
	String epochKey() {
		return this.keys.epochKey();
	}

	/**
	 * The end of the range that holds the ACTIVE key and every session of the role:
	 * {@code '.'} follows {@code '-'} in byte order.
	 */
	String rangeEnd() {
		return this.keys.roleRangeEnd(this.serverName);
	}

	String sessionKey(long serverId) {
		return this.sessionPrefix + serverId;
	}

	/**
	 * The server ID a session key names, if {@code key} is a session key of this role.
	 */
	OptionalLong serverIdOf(String key) {
		return this.keys.sessionServerId(this.serverName, key);
	}

}
