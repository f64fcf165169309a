package io.github.coordinatorha.autoconfigure.cloud;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.DirectoryRoles;
import io.github.coordinatorha.cloud.RoleDiscoveryClient;
import io.github.coordinatorha.cloud.RoleLoadBalancerConfiguration;
import io.github.coordinatorha.directory.RoleDirectory;

import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Spring Cloud on the role directory, when Spring Cloud Commons is on the classpath: a
 * {@link RoleDiscoveryClient}, and with Spring Cloud LoadBalancer, a load balancer per
 * role of {@code ha.directory.roles} that picks only the role's active, which
 * {@code @LoadBalanced} RestClient builders then use to resolve a role's name.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = ActiveStandbyAutoConfiguration.class)
@ConditionalOnClass(DiscoveryClient.class)
public final class RoleDiscoveryAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnDiscoveryEnabled
	@ConditionalOnBlockingDiscoveryEnabled
	static class DiscoveryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RoleDiscoveryClient haRoleDiscoveryClient(RoleDirectory directory) {
			return new RoleDiscoveryClient(directory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ServiceInstanceListSupplier.class, LoadBalancerClientSpecification.class })
	@Import(RoleLoadBalancers.class)
	static class LoadBalancerConfiguration {

		@Bean
		static LoadBalancedRouting haLoadBalancedRouting() {
			return new LoadBalancedRouting();
		}

	}

	/**
	 * Registers {@link RoleLoadBalancerConfiguration} as the load balancer configuration
	 * of each role, under its name as configured and in lower case (the host of
	 * {@code http://rootCoord/...} or {@code http://rootcoord/...}).
	 */
	static class RoleLoadBalancers implements ImportBeanDefinitionRegistrar, EnvironmentAware {

		private List<String> roles = List.of();

		@Override
		public void setEnvironment(Environment environment) {
			this.roles = DirectoryRoles.of(environment);
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			for (String role : this.roles) {
				for (String name : new LinkedHashSet<>(List.of(role, role.toLowerCase(Locale.ROOT)))) {
					registry.registerBeanDefinition(name + ".haLoadBalancerClientSpecification",
							BeanDefinitionBuilder.genericBeanDefinition(LoadBalancerClientSpecification.class)
								.addConstructorArgValue(name)
								.addConstructorArgValue(new Class<?>[] { RoleLoadBalancerConfiguration.class })
								.getBeanDefinition());
				}
			}
		}

	}

}
