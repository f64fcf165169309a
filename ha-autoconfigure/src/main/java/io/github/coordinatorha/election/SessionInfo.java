package io.github.coordinatorha.election;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One node's session in Milvus's JSON shape, so tools that read Milvus sessions can
 * read ours. The same value is written to the ACTIVE key by the node that holds it.
 * {@code RegisteredAt} is ours (when the session's lease was granted); Milvus's readers
 * ignore fields they do not know.
 */
record SessionInfo(@JsonProperty("ServerID") long serverId, @JsonProperty("ServerName") String serverName,
		@JsonProperty("Address") String address, @JsonProperty("Exclusive") boolean exclusive,
		@JsonProperty("TriggerKill") boolean triggerKill, @JsonProperty("Version") String version,
		@JsonProperty("LeaseID") Long leaseId, @JsonProperty("HostName") String hostName,
		@JsonProperty("Stopping") boolean stopping, @JsonProperty("RegisteredAt") String registeredAt) {

	static SessionInfo of(long serverId, String serverName, String address, String version, long leaseId,
			String hostName, String registeredAt) {
		return new SessionInfo(serverId, serverName, address, true, true, version, leaseId, hostName, false,
				registeredAt);
	}

}
