package io.github.coordinatorha.cloud;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.coordinatorha.directory.RoleDirectory;
import io.github.coordinatorha.directory.RoleMember;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Spring Cloud's view of the {@link RoleDirectory}: one service per role it follows, one
 * instance per session registered for the role, active and standbys alike. Each
 * instance's metadata names its {@value #SERVER_ID} and its {@value #STATE}
 * ({@code ACTIVE} or {@code STANDBY}). To reach only the active, call through Spring
 * Cloud LoadBalancer, which this starter points at {@link ActiveInstanceListSupplier} for
 * each role.
 *
 * @since 0.3.0
 */
public class RoleDiscoveryClient implements DiscoveryClient {

	/**
	 * The metadata key of an instance's server ID.
	 */
	public static final String SERVER_ID = "serverId";

	/**
	 * The metadata key of an instance's state.
	 */
	public static final String STATE = "state";

	private final RoleDirectory directory;

	public RoleDiscoveryClient(RoleDirectory directory) {
		this.directory = directory;
	}

	@Override
	public String description() {
		return "coordinator-ha role directory";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return this.directory.role(serviceId)
			.map((role) -> this.directory.members(role).stream().map(RoleDiscoveryClient::instance).toList())
			.orElse(List.of());
	}

	@Override
	public List<String> getServices() {
		return new ArrayList<>(this.directory.roles());
	}

	static ServiceInstance instance(RoleMember member) {
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put(SERVER_ID, Long.toString(member.serverId()));
		metadata.put(STATE, member.state().name());
		if (member.version() != null) {
			metadata.put("version", member.version());
		}
		if (member.hostName() != null) {
			metadata.put("hostName", member.hostName());
		}
		Address address = Address.of(member.address());
		return new DefaultServiceInstance(member.role() + "-" + member.serverId(), member.role(), address.host(),
				address.port(), false, metadata);
	}

}
