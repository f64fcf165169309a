package io.github.coordinatorha.autoconfigure.endpoint;

import io.github.coordinatorha.actuate.endpoint.ActiveStandbyEndpoint;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.election.ElectionNode;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code activestandby} actuator endpoint. The endpoint exists
 * only once exposed ({@code management.endpoints.web.exposure.include=activestandby}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ActiveStandbyAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(ElectionNode.class)
@ConditionalOnAvailableEndpoint(ActiveStandbyEndpoint.class)
public final class ActiveStandbyEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ActiveStandbyEndpoint activeStandbyEndpoint(ElectionNode node) {
		return new ActiveStandbyEndpoint(node);
	}

}
