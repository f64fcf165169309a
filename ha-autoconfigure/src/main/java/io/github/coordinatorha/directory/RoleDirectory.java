package io.github.coordinatorha.directory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which node is active for each role the directory follows, and which sessions each role
 * has, as etcd holds them. An application gets one when it sets
 * {@code ha.directory.roles}, whether or not it competes for any role: it follows one
 * etcd watch per role, reads the role again after a compaction or a broken stream, and
 * writes nothing to etcd. It reads the keys and the session JSON that Milvus writes, so
 * it finds a Milvus cluster's active coordinators too.
 * <p>
 * What it reports is what the watch last delivered: the node it names may have lost the
 * role a moment ago. A node that is not active refuses the work it is sent, so a client
 * that gets a refusal waits for the directory to move ({@link #awaitNewActive}) and tries
 * again; the RestClient support does that for you.
 * <p>
 * Role names are compared without case, as their etcd keys are lower case. A role the
 * directory does not follow is refused with an {@link IllegalArgumentException}.
 *
 * @since 0.3.0
 */
public interface RoleDirectory {

	/**
	 * The roles this directory follows.
	 * @return their names, as configured
	 */
	Set<String> roles();

	/**
	 * Whether this directory follows a role.
	 * @param role a role's name, in any case
	 * @return the role's name as configured, or empty if it is not followed
	 */
	Optional<String> role(String role);

	/**
	 * The role's active node, as last seen.
	 * @param role the role's name
	 * @return the active, empty when the role has none or the directory has not read the
	 * role yet
	 */
	Optional<ActiveMember> active(String role);

	/**
	 * The sessions registered for the role, as last seen, by server ID.
	 * @param role the role's name
	 * @return the sessions, empty before the first read
	 */
	List<RoleMember> members(String role);

	/**
	 * Waits until the role has an active node. Blocks the calling thread: do not call it
	 * from an event listener of the directory.
	 * @param role the role's name
	 * @param timeout how long to wait at most
	 * @return the active, empty if none appeared in time
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	Optional<ActiveMember> awaitActive(String role, Duration timeout) throws InterruptedException;

	/**
	 * Waits until the role has an active node in another term than {@code previous}:
	 * after that node refused a call or could not be reached. Blocks the calling thread.
	 * @param previous the active that failed the caller
	 * @param timeout how long to wait at most
	 * @return the new active, empty if the directory did not move in time
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	Optional<ActiveMember> awaitNewActive(ActiveMember previous, Duration timeout) throws InterruptedException;

}
