package io.github.coordinatorha.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one role runs in active-standby mode, so that an application
 * with every role disabled needs no etcd at all.
 */
class OnActiveStandbyCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConfiguredRoles roles = ConfiguredRoles.from(context.getEnvironment());
		return roles.anyActiveStandby() ? ConditionOutcome.match("a role runs in active-standby mode")
				: ConditionOutcome.noMatch("no role runs in active-standby mode");
	}

}
