package io.github.coordinatorha.health;

import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Adds a health group per role, {@code /actuator/health/<role>}, to the application's:
 * readiness for that role's traffic. Runs before Spring Boot's availability probes are
 * added, so {@code /actuator/health/readiness} keeps its own meaning.
 *
 * @since 0.1.0
 */
public class RoleHealthEndpointGroupsPostProcessor implements HealthEndpointGroupsPostProcessor, Ordered {

	private final List<String> roles;

	private final Binder binder;

	/**
	 * Creates the post-processor.
	 * @param roles the roles to add a group for
	 * @param environment where the application's groups are defined
	 */
	public RoleHealthEndpointGroupsPostProcessor(List<String> roles, Environment environment) {
		this.roles = List.copyOf(roles);
		this.binder = Binder.get(environment);
	}

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		return new RoleHealthEndpointGroups(groups, this.roles, this::includesRoleReadiness);
	}

	private boolean includesRoleReadiness(String group) {
		String prefix = group.isEmpty() ? "management.endpoint.health" : "management.endpoint.health.group." + group;
		// Group names keep their case (rootCoord): adapt rather than parse the name.
		Set<String> include = this.binder
			.bind(ConfigurationPropertyName.adapt(prefix + ".include", '.'), Bindable.setOf(String.class))
			.orElse(Set.of());
		return include.stream()
			.map(String::trim)
			.anyMatch((member) -> member.equals(RoleHealthEndpointGroups.CONTRIBUTOR)
					|| member.startsWith(RoleHealthEndpointGroups.CONTRIBUTOR + "/"));
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
