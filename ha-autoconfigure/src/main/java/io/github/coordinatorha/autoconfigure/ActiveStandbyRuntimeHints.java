package io.github.coordinatorha.autoconfigure;

import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.election.RegisteredSession;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What a native image needs beyond what Spring's AOT processing finds by itself: the
 * session JSON that Jackson reads and writes, the role toggles the starter binds on its
 * own, the status types the endpoints serialize, and the configuration metadata that the
 * spelling check reads. {@code @ActiveOnly} and {@code @RoleBound} beans get theirs from
 * {@link ActiveOnlyBeanRegistrationAotProcessor}.
 */
class ActiveStandbyRuntimeHints implements RuntimeHintsRegistrar {

	static final String SESSION_INFO = "io.github.coordinatorha.election.SessionInfo";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		binding.registerReflectionHints(hints.reflection(), RegisteredSession.class, RoleStatus.class,
				FencingToken.class, Handover.class);
		if (ClassUtils.isPresent(SESSION_INFO, classLoader)) {
			binding.registerReflectionHints(hints.reflection(), ClassUtils.resolveClassName(SESSION_INFO, classLoader));
		}
		BindableRuntimeHintsRegistrar.forTypes(CoordinatorProperties.class).registerHints(hints, classLoader);
		hints.resources().registerPattern(PropertySpellings.METADATA);
	}

}
