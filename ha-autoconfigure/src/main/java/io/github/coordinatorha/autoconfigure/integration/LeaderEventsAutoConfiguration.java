package io.github.coordinatorha.autoconfigure.integration;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.integration.LeaderEventsBridge;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.leader.event.OnGrantedEvent;

/**
 * Auto-configuration of the bridge that makes Spring Integration's leader events follow
 * our election, when Spring Integration is on the classpath.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ActiveStandbyAutoConfiguration.class)
@ConditionalOnClass(OnGrantedEvent.class)
public final class LeaderEventsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LeaderEventsBridge leaderEventsBridge(ActiveStandby activeStandby, ApplicationEventPublisher publisher) {
		return new LeaderEventsBridge(activeStandby, publisher);
	}

}
