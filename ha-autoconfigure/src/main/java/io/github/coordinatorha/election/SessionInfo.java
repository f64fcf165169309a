package io.github.coordinatorha.election;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One node's session in Milvus's JSON shape, so tools that read Milvus sessions can read
 * ours. The same value is written to the ACTIVE key by the node that holds it.
 * {@code RegisteredAt} (when the session's lease was granted), {@code ElectionProtocol},
 * {@code Successor} (the node's successor policy for the role) and {@code Priority} are
 * ours; Milvus's readers ignore fields they do not know.
 */
record SessionInfo(@JsonProperty("ServerID") long serverId, @JsonProperty("ServerName") String serverName,
		@JsonProperty("Address") String address, @JsonProperty("Exclusive") boolean exclusive,
		@JsonProperty("TriggerKill") boolean triggerKill, @JsonProperty("Version") String version,
		@JsonProperty("LeaseID") Long leaseId, @JsonProperty("HostName") String hostName,
		@JsonProperty("Stopping") boolean stopping, @JsonProperty("RegisteredAt") String registeredAt,
		@JsonProperty("ElectionProtocol") int protocol, @JsonProperty("Successor") String successor,
		@JsonProperty("Priority") int priority) {

	/**
	 * The election protocol of this version: 2 hands a role over by rewriting the ACTIVE
	 * key with the successor's session. Sessions of protocol 1 (or none: written before
	 * the field existed, or by Milvus) only take a role by claiming it once it is gone.
	 */
	static final int PROTOCOL = 2;

	static SessionInfo of(long serverId, String serverName, String address, String version, long leaseId,
			String hostName, String registeredAt) {
		return new SessionInfo(serverId, serverName, address, true, true, version, leaseId, hostName, false,
				registeredAt, PROTOCOL, SuccessorPolicy.OLDEST.spelling(), 0);
	}

	SessionInfo with(int protocol, Succession succession) {
		return new SessionInfo(this.serverId, this.serverName, this.address, this.exclusive, this.triggerKill,
				this.version, this.leaseId, this.hostName, this.stopping, this.registeredAt, protocol,
				succession.policy().spelling(), succession.priority());
	}

}
