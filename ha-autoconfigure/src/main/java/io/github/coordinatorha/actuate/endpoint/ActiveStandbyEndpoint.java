package io.github.coordinatorha.actuate.endpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.election.RegisteredSession;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/activestandby}: per role, this node's state, the active's session and
 * every registered session, read from etcd; and a write operation that hands a role over
 * to a standby, for rolling upgrades. Like every actuator endpoint it is not exposed on
 * the web until {@code management.endpoints.web.exposure.include} names it.
 *
 * @since 0.1.0
 */
@Endpoint(id = "activestandby")
public class ActiveStandbyEndpoint {

	private final ElectionNode node;

	public ActiveStandbyEndpoint(ElectionNode node) {
		this.node = node;
	}

	/**
	 * Every role of this node.
	 * @return the roles, keyed by name
	 */
	@ReadOperation
	public Map<String, RoleDescriptor> roles() {
		Map<String, RoleDescriptor> roles = new LinkedHashMap<>();
		this.node.statuses().forEach((name, status) -> roles.put(name, describe(status)));
		return roles;
	}

	/**
	 * One role of this node.
	 * @param role the role's name
	 * @return the role
	 */
	@ReadOperation
	public RoleDescriptor role(@Selector String role) {
		return describe(knownRole(() -> this.node.status(role)));
	}

	/**
	 * Hands the role over to a standby if this node is active and a standby exists: to
	 * the one named by {@code serverId} (the JSON body {@code {"serverId": 3}}), or to
	 * the best one under the role's successor policy. The role is named by the path only.
	 * Spring Boot lets a body's and a query's keys stand for an operation's arguments,
	 * over the path's, so a body that names a {@code role} is refused, and so, over
	 * Spring MVC, is one whose keys replaced the path's role.
	 * @param selected the role's name, from the path
	 * @param role a role named in the body: refused when present
	 * @param serverId the server ID of the standby to hand the role to, or {@code null}
	 * for the best one
	 * @return what happened
	 */
	@WriteOperation
	public Handover handOver(@Selector String selected, @Nullable String role, @Nullable Long serverId) {
		String inPath = PathSelector.current("selected").orElse(selected);
		if (role != null || !inPath.equals(selected)) {
			String message = "The role goes in the path only (POST /actuator/activestandby/" + inPath
					+ "), but the request also names role '" + ((role != null) ? role : selected)
					+ "'; send {\"serverId\": N} or an empty body";
			throw new InvalidEndpointRequestException(message, message);
		}
		return knownRole(
				() -> (serverId != null) ? this.node.handOver(selected, serverId) : this.node.handOver(selected));
	}

	/**
	 * A role this node does not serve, or a server ID that is not positive, is the
	 * caller's mistake: HTTP 400 rather than 500.
	 */
	private static <T> T knownRole(Supplier<T> call) {
		try {
			return call.get();
		}
		catch (IllegalArgumentException ex) {
			String message = Objects.requireNonNullElse(ex.getMessage(), "Unknown role");
			throw new InvalidEndpointRequestException(message, message);
		}
	}

	private RoleDescriptor describe(RoleStatus status) {
		try {
			List<RegisteredSession> sessions = this.node.registeredSessions(status.role());
			RegisteredSession active = sessions.stream().filter(RegisteredSession::active).findFirst().orElse(null);
			return new RoleDescriptor(status, active, sessions, null);
		}
		catch (Exception ex) {
			return new RoleDescriptor(status, null, List.of(), "etcd could not be read: " + ex.getMessage());
		}
	}

	/**
	 * A role as the endpoint shows it.
	 *
	 * @param status this node's status for the role
	 * @param active the active node's session, if one is registered
	 * @param sessions every registered session of the role
	 * @param error why etcd could not be read, or {@code null}
	 */
	public record RoleDescriptor(RoleStatus status, @Nullable RegisteredSession active,
			List<RegisteredSession> sessions, @Nullable String error) {
	}

}
