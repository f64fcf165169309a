package io.github.coordinatorha.cloud;

import io.github.coordinatorha.autoconfigure.ActiveStandbyProperties;
import io.github.coordinatorha.autoconfigure.DirectoryRoles;
import io.github.coordinatorha.directory.RoleDirectory;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The load balancer of one role, in the child context Spring Cloud LoadBalancer creates
 * for it: its instances come from {@link ActiveInstanceListSupplier}, and so only the
 * active is picked. Registered for each role of {@code ha.directory.roles}, under the
 * role's name as configured and in lower case. Not a {@code @Configuration}, so that no
 * component scan takes it into the application's own context.
 *
 * @since 0.3.0
 */
public class RoleLoadBalancerConfiguration {

	@Bean
	ServiceInstanceListSupplier haActiveInstanceListSupplier(RoleDirectory directory,
			ActiveStandbyProperties properties, Environment environment) {
		String name = environment.getRequiredProperty(LoadBalancerClientFactory.PROPERTY_NAME);
		String role = directory.role(name)
			.orElseThrow(() -> new IllegalStateException("The role directory does not follow role '" + name + "'"));
		return new ActiveInstanceListSupplier(directory, role, DirectoryRoles.awaitActive(properties));
	}

}
