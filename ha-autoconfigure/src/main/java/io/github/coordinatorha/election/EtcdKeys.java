package io.github.coordinatorha.election;

import java.util.OptionalLong;

/**
 * The keys coordinator-ha uses, laid out as Milvus lays out its sessions:
 * {@code <root>/<meta>/session/id} (the server ID counter),
 * {@code <root>/<meta>/session/<role>} (the ACTIVE key) and
 * {@code <root>/<meta>/session/<role>-<serverId>} (one session per candidate); and, of
 * our own, the epoch of etcd's history, {@code <root>/<meta>/ha-epoch}.
 */
final class EtcdKeys {

	private final String metaRoot;

	private final String sessionRoot;

	EtcdKeys(String rootPath, String metaSubPath) {
		this.metaRoot = trimSlashes(rootPath) + "/" + trimSlashes(metaSubPath) + "/";
		this.sessionRoot = this.metaRoot + "session/";
	}

	/**
	 * The epoch of etcd's history, {@code <root>/<meta>/ha-epoch}: outside the session
	 * folder, so that tools that read Milvus sessions never meet it.
	 */
	String epochKey() {
		return this.metaRoot + "ha-epoch";
	}

	String sessionRoot() {
		return this.sessionRoot;
	}

	String serverIdCounter() {
		return this.sessionRoot + "id";
	}

	String activeKey(String serverName) {
		return this.sessionRoot + serverName;
	}

	String sessionKey(String serverName, long serverId) {
		return activeKey(serverName) + "-" + serverId;
	}

	/**
	 * The end of the key range that holds a role's ACTIVE key and all its sessions:
	 * {@code '.'} follows {@code '-'} in byte order.
	 */
	String roleRangeEnd(String serverName) {
		return activeKey(serverName) + ".";
	}

	/**
	 * The server ID a role's session key names, if {@code key} is one.
	 */
	OptionalLong sessionServerId(String serverName, String key) {
		String prefix = activeKey(serverName) + "-";
		if (!key.startsWith(prefix) || key.length() == prefix.length()) {
			return OptionalLong.empty();
		}
		String digits = key.substring(prefix.length());
		for (int i = 0; i < digits.length(); i++) {
			if (!Character.isDigit(digits.charAt(i))) {
				return OptionalLong.empty();
			}
		}
		try {
			return OptionalLong.of(Long.parseLong(digits));
		}
		catch (NumberFormatException ex) {
			return OptionalLong.empty();
		}
	}

	private static String trimSlashes(String path) {
		String trimmed = path.strip();
		while (trimmed.startsWith("/")) {
			trimmed = trimmed.substring(1);
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed;
	}

}
