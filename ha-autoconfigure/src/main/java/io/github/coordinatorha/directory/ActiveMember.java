package io.github.coordinatorha.directory;

/**
 * The node that holds a role's ACTIVE key, as the directory last saw it.
 *
 * @param role the role's name, as the directory was told it, for example
 * {@code rootCoord}
 * @param serverId the active node's server ID
 * @param address the address the active node advertises in its session, for example
 * {@code 10.0.0.7:53100}
 * @param term the mod revision of the ACTIVE key: it changes with every claim and every
 * handover, so two sightings of the same term are the same term of the same node (it is
 * the revision part of that term's fencing token)
 * @since 0.3.0
 */
public record ActiveMember(String role, long serverId, String address, long term) {

	@Override
	public String toString() {
		return this.role + " serverId " + this.serverId + " at " + this.address + " (term " + this.term + ")";
	}

}
