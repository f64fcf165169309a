package io.github.coordinatorha.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.election.ElectionNode;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code activeStandby} health component: one detail entry per role with its state,
 * this node's server ID, the active's server ID and address, the term while active, the
 * standby's place in line for the role ({@code rank}, {@code 1} next) and since when the
 * state holds. A standby is healthy: it is {@code UP}. Only etcd being out of reach while
 * a role needs it makes the component {@code DOWN}, with the reason; the node is then not
 * ACTIVE for any elected role.
 *
 * @since 0.1.0
 */
public class ActiveStandbyHealthIndicator extends AbstractHealthIndicator {

	private final ElectionNode node;

	public ActiveStandbyHealthIndicator(ElectionNode node) {
		super("Active-standby health check failed");
		this.node = node;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Optional<String> problem = this.node.sessionProblem();
		if (problem.isPresent()) {
			builder.down().withDetail("etcd", "no session: " + problem.get());
		}
		else {
			builder.up();
		}
		this.node.statuses().forEach((role, status) -> builder.withDetail(role, details(status, this.node.rank(role))));
	}

	private static Map<String, Object> details(RoleStatus status, int rank) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", status.state().name());
		details.put("reason", status.reason().name());
		details.put("since", status.since().toString());
		if (status.serverId() != 0) {
			details.put("serverId", status.serverId());
		}
		if (status.activeServerId() != 0) {
			details.put("activeServerId", status.activeServerId());
		}
		if (status.activeAddress() != null) {
			details.put("activeAddress", status.activeAddress());
		}
		if (status.fencingToken() != null) {
			details.put("term", status.fencingToken().revision());
		}
		if (rank > 0) {
			details.put("rank", rank);
		}
		return details;
	}

}
