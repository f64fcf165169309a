package io.github.coordinatorha.autoconfigure.activeonly;

import java.time.Duration;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.activeonly.ActiveOnlyPostProcessor;
import io.github.coordinatorha.activeonly.InFlightCalls;
import io.github.coordinatorha.activeonly.RoleBoundLifecycles;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.ConfiguredRoles;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of {@code @ActiveOnly} calls and {@code @RoleBound} lifecycles.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ActiveStandbyAutoConfiguration.class)
public final class ActiveOnlyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static InFlightCalls haInFlightCalls() {
		return new InFlightCalls(Duration.ofSeconds(10));
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static ActiveOnlyPostProcessor activeOnlyPostProcessor(ObjectProvider<ActiveStandby> activeStandby,
			ObjectProvider<InFlightCalls> inFlight, Environment environment) {
		return new ActiveOnlyPostProcessor(activeStandby::getObject, inFlight::getObject,
				ConfiguredRoles.from(environment).known());
	}

	@Bean
	@ConditionalOnMissingBean
	RoleBoundLifecycles roleBoundLifecycles(ConfigurableListableBeanFactory beanFactory) {
		return new RoleBoundLifecycles(beanFactory);
	}

}
