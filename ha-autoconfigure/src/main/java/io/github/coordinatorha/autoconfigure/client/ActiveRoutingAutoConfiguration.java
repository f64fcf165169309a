package io.github.coordinatorha.autoconfigure.client;

import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.ActiveStandbyProperties;
import io.github.coordinatorha.autoconfigure.DirectoryRoles;
import io.github.coordinatorha.client.ActiveRouting;
import io.github.coordinatorha.directory.RoleDirectory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * Routes the calls of every auto-configured {@code RestClient.Builder} to
 * {@code http://<role>/...} to the role's active node, for the roles of
 * {@code ha.directory.roles}, with {@link ActiveRouting}, which resolves the role's name
 * itself. A {@code @LoadBalanced} builder of Spring Cloud LoadBalancer leaves that to its
 * load balancer instead ({@code RoleDiscoveryAutoConfiguration}). Builders of an
 * application whose directory follows no role are left alone.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = ActiveStandbyAutoConfiguration.class)
@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class })
public final class ActiveRoutingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "haActiveRoutingRestClientCustomizer")
	RestClientCustomizer haActiveRoutingRestClientCustomizer(RoleDirectory directory,
			ActiveStandbyProperties properties) {
		ActiveRouting routing = new ActiveRouting(directory, DirectoryRoles.awaitActive(properties), true);
		return (builder) -> {
			if (!directory.roles().isEmpty()) {
				builder.requestInterceptor(routing);
			}
		};
	}

}
