package io.github.coordinatorha.sample.proxy;

import org.springframework.boot.restclient.autoconfigure.RestClientBuilderConfigurer;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * The client of the RootCoord: a {@code @LoadBalanced} builder, so Spring Cloud
 * LoadBalancer resolves {@code http://rootCoord} to the active node the role directory
 * names; Boot's configurer gives it the configured HTTP client and timeouts
 * ({@code spring.http.clients.*}) and coordinator-ha's routing, which waits for an active
 * and sends a call again after a standby's refusal or a refused connection (and, since
 * allocations are marked idempotent, after a call cut off by a crash).
 */
@Configuration(proxyBeanMethods = false)
class RootCoordClientConfiguration {

	@Bean
	@LoadBalanced
	RestClient.Builder loadBalancedRestClientBuilder(RestClientBuilderConfigurer configurer) {
		return configurer.configure(RestClient.builder());
	}

	@Bean
	RestClient rootCoordClient(@LoadBalanced RestClient.Builder builder) {
		return builder.baseUrl("http://rootCoord").build();
	}

}
