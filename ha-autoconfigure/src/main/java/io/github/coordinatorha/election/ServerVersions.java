package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the etcd versions a node may meet are known to get wrong about leases, for a
 * warning at startup. Sources: etcd's CHANGELOG-3.4.md and CHANGELOG-3.5.md.
 * <ul>
 * <li>etcd#15247: a leader stalled in fdatasync keeps renewing leases the new leader
 * expires; fixed in 3.4.31 and 3.5.13.</li>
 * <li>A keepalive acknowledged for a revoked lease; fixed in 3.4.38 and 3.5.23.</li>
 * <li>A stale linearizable read while the server process is paused; fixed in 3.4.42 and
 * 3.5.28.</li>
 * </ul>
 */
final class ServerVersions {

	private ServerVersions() {
	}

	/**
	 * What an operator should hear about a server version, or {@code null} if nothing.
	 * @param version the server's version, for example {@code 3.4.23}
	 */
	static @Nullable String warning(@Nullable String version) {
		int[] v = (version != null) ? parse(version) : null;
		if (v == null) {
			return null;
		}
		if (v[0] < 3 || (v[0] == 3 && v[1] < 4)) {
			return "etcd " + version + " is older than 3.4, which coordinator-ha needs: upgrade etcd";
		}
		if (v[0] > 3 || v[1] > 5) {
			return null;
		}
		boolean v34 = v[1] == 4;
		int stalledLeader = v34 ? 31 : 13;
		int revokedLease = v34 ? 38 : 23;
		int staleRead = v34 ? 42 : 28;
		if (v[2] >= staleRead) {
			return null;
		}
		List<String> bugs = new ArrayList<>();
		if (v[2] < stalledLeader) {
			bugs.add("a leader stalled in fdatasync keeps renewing leases the new leader lets expire (etcd#15247,"
					+ " fixed in 3." + v[1] + "." + stalledLeader + ")");
		}
		if (v[2] < revokedLease) {
			bugs.add("a keepalive can be acknowledged for a revoked lease (fixed in 3." + v[1] + "." + revokedLease
					+ ")");
		}
		bugs.add("a linearizable read can be stale while the server is paused (fixed in 3." + v[1] + "." + staleRead
				+ ")");
		return "etcd " + version + " has known lease bugs: " + String.join("; ", bugs) + ". Fencing keeps a deposed"
				+ " node from winning a guarded write, but upgrade etcd to 3." + v[1] + "." + staleRead + " or newer";
	}

	private static int @Nullable [] parse(String version) {
		String[] parts = version.strip().split("[.-]");
		if (parts.length < 3) {
			return null;
		}
		try {
			return new int[] { Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]) };
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
