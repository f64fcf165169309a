package io.github.coordinatorha.health;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * The application's health groups plus one group per role, named after the role
 * ({@code /actuator/health/rootCoord}), made of {@code readinessState} and the role's
 * {@code roleReadiness} child. The {@code roleReadiness} component is kept out of every
 * other group (the whole health among them: a standby stays {@code UP} there) unless a
 * group includes it by name. A group the application defines under a role's name wins.
 */
final class RoleHealthEndpointGroups implements HealthEndpointGroups, AdditionalPathsMapper {

	static final String CONTRIBUTOR = "roleReadiness";

	private final HealthEndpointGroups delegate;

	private final Predicate<String> includesRoleReadiness;

	private final HealthEndpointGroup primary;

	private final Map<String, HealthEndpointGroup> roleGroups = new LinkedHashMap<>();

	private final Map<String, HealthEndpointGroup> wrapped = new ConcurrentHashMap<>();

	private final Set<String> names;

	/**
	 * Creates the groups.
	 * @param delegate the groups so far
	 * @param roles the roles to add a group for
	 * @param includesRoleReadiness whether a group (by name, empty for the primary) names
	 * {@code roleReadiness} or one of its children in its includes
	 */
	RoleHealthEndpointGroups(HealthEndpointGroups delegate, Collection<String> roles,
			Predicate<String> includesRoleReadiness) {
		this.delegate = delegate;
		this.includesRoleReadiness = includesRoleReadiness;
		// The endpoint tells the whole health by the identity of the primary group.
		this.primary = withoutRoleReadiness(delegate.getPrimary(), "");
		for (String role : roles) {
			if (delegate.get(role) == null) {
				this.roleGroups.put(role, new RoleGroup(role, delegate.getPrimary()));
			}
		}
		Set<String> names = new LinkedHashSet<>(delegate.getNames());
		names.addAll(this.roleGroups.keySet());
		this.names = Set.copyOf(names);
	}

	@Override
	public HealthEndpointGroup getPrimary() {
		return this.primary;
	}

	@Override
	public Set<String> getNames() {
		return this.names;
	}

	@Override
	public @Nullable HealthEndpointGroup get(String name) {
		HealthEndpointGroup group = this.delegate.get(name);
		if (group == null) {
			return this.roleGroups.get(name);
		}
		return this.wrapped.computeIfAbsent(name, (key) -> withoutRoleReadiness(group, key));
	}

	private HealthEndpointGroup withoutRoleReadiness(HealthEndpointGroup group, String name) {
		return this.includesRoleReadiness.test(name) ? group : new ExcludingGroup(group);
	}

	@Override
	public @Nullable List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace webServerNamespace) {
		return (this.delegate instanceof AdditionalPathsMapper mapper)
				? mapper.getAdditionalPaths(endpointId, webServerNamespace) : null;
	}

	private static boolean isRoleReadiness(String member) {
		return member.equals(CONTRIBUTOR) || member.startsWith(CONTRIBUTOR + "/");
	}

	/**
	 * A group of the application's, without {@code roleReadiness}.
	 */
	private record ExcludingGroup(HealthEndpointGroup group) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return !isRoleReadiness(name) && this.group.isMember(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.group.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.group.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.group.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.group.getHttpCodeStatusMapper();
		}

		@Override
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return this.group.getAdditionalPath();
		}

	}

	/**
	 * The group of one role: readiness of the application and of the role. Components and
	 * details show as in the whole health.
	 */
	private record RoleGroup(String role, HealthEndpointGroup primary) implements HealthEndpointGroup {

		@Override
		public boolean isMember(String name) {
			return name.equals("readinessState") || name.equals(CONTRIBUTOR + "/" + this.role);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.primary.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.primary.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return StatusAggregator.getDefault();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return HttpCodeStatusMapper.DEFAULT;
		}

		@Override
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return null;
		}

	}

}
