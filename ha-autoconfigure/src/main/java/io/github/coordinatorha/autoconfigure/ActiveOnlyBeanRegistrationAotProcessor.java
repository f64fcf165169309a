package io.github.coordinatorha.autoconfigure;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.RoleBound;
import io.github.coordinatorha.RoleTransitionEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers, for a native image, reflection on the beans whose methods the starter reads
 * at run time: {@code @ActiveOnly} and {@code @RoleBound} beans, Spring Integration
 * {@code @Role} endpoints and role transition listeners (which tell which roles are
 * used). Their {@code @ActiveOnly} proxies are generated at build time by Spring's own
 * AOT processing, as for every advised bean.
 */
class ActiveOnlyBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> type = ClassUtils.getUserClass(registeredBean.getBeanClass());
		if (!readsRoles(type)) {
			return null;
		}
		return (generationContext, code) -> generationContext.getRuntimeHints()
			.reflection()
			.registerType(type, MemberCategory.INTROSPECT_DECLARED_METHODS, MemberCategory.INVOKE_DECLARED_METHODS,
					MemberCategory.INTROSPECT_PUBLIC_METHODS, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

	static boolean readsRoles(Class<?> type) {
		if (AnnotatedElementUtils.hasAnnotation(type, ActiveOnly.class)
				|| AnnotatedElementUtils.hasAnnotation(type, RoleBound.class)) {
			return true;
		}
		AtomicBoolean found = new AtomicBoolean();
		ReflectionUtils.doWithMethods(type, (method) -> found.compareAndSet(false, readsRoles(method)),
				ReflectionUtils.USER_DECLARED_METHODS);
		return found.get();
	}

	private static boolean readsRoles(Method method) {
		if (AnnotatedElementUtils.hasAnnotation(method, ActiveOnly.class)
				|| MergedAnnotations.from(method).isPresent("org.springframework.integration.annotation.Role")) {
			return true;
		}
		if (MergedAnnotations.from(method).isPresent("org.springframework.context.event.EventListener")) {
			for (Class<?> parameter : method.getParameterTypes()) {
				if (RoleTransitionEvent.class.isAssignableFrom(parameter)) {
					return true;
				}
			}
		}
		return false;
	}

}
