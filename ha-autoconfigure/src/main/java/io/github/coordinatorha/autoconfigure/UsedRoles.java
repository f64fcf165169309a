package io.github.coordinatorha.autoconfigure;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.RoleBound;
import io.github.coordinatorha.RoleTransitionEvent;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.type.MethodMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The roles the application's beans use, read from their types without creating them:
 * {@code @ActiveOnly}, {@code @RoleBound}, an {@code @EventListener} of role transitions
 * whose condition names the role ({@code #event.role == 'rootCoord'}), and Spring
 * Integration's {@code @Role}.
 */
final class UsedRoles {

	private static final String INTEGRATION_ROLE = "org.springframework.integration.annotation.Role";

	private UsedRoles() {
	}

	/**
	 * Finds which of {@code candidates} the beans use.
	 * @param beanFactory the bean factory
	 * @param candidates the role names to look for
	 * @return the roles used
	 */
	static Set<String> in(ConfigurableListableBeanFactory beanFactory, Collection<String> candidates) {
		Set<String> used = new LinkedHashSet<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			if (definition.getRole() == BeanDefinition.ROLE_INFRASTRUCTURE) {
				continue;
			}
			if (definition instanceof AnnotatedBeanDefinition annotated) {
				MethodMetadata factoryMethod = annotated.getFactoryMethodMetadata();
				if (factoryMethod != null) {
					addRole(factoryMethod.getAnnotations().get(INTEGRATION_ROLE), used);
				}
			}
			Class<?> type = beanFactory.getType(name, false);
			if (type != null && !type.getName().startsWith("org.springframework.")) {
				inspect(ClassUtils.getUserClass(type), candidates, used);
			}
		}
		used.retainAll(candidates);
		return used;
	}

	private static void inspect(Class<?> type, Collection<String> candidates, Set<String> used) {
		ActiveOnly activeOnly = AnnotatedElementUtils.findMergedAnnotation(type, ActiveOnly.class);
		if (activeOnly != null) {
			used.add(activeOnly.value());
		}
		RoleBound roleBound = AnnotatedElementUtils.findMergedAnnotation(type, RoleBound.class);
		if (roleBound != null) {
			used.add(roleBound.value());
		}
		addRole(MergedAnnotations.from(type).get(INTEGRATION_ROLE), used);
		ReflectionUtils.doWithMethods(type, (method) -> inspect(method, candidates, used),
				ReflectionUtils.USER_DECLARED_METHODS);
	}

	private static void inspect(Method method, Collection<String> candidates, Set<String> used) {
		ActiveOnly activeOnly = AnnotatedElementUtils.findMergedAnnotation(method, ActiveOnly.class);
		if (activeOnly != null) {
			used.add(activeOnly.value());
		}
		addRole(MergedAnnotations.from(method).get(INTEGRATION_ROLE), used);
		EventListener listener = AnnotatedElementUtils.findMergedAnnotation(method, EventListener.class);
		if (listener != null && listensToRoles(method, listener)) {
			for (String role : candidates) {
				String condition = listener.condition();
				if (condition.contains("'" + role + "'") || condition.contains("\"" + role + "\"")) {
					used.add(role);
				}
			}
		}
	}

	private static boolean listensToRoles(Method method, EventListener listener) {
		for (Class<?> type : listener.classes()) {
			if (RoleTransitionEvent.class.isAssignableFrom(type)) {
				return true;
			}
		}
		for (Class<?> type : method.getParameterTypes()) {
			if (RoleTransitionEvent.class.isAssignableFrom(type)) {
				return true;
			}
		}
		return false;
	}

	private static void addRole(MergedAnnotation<?> role, Set<String> used) {
		if (role.isPresent()) {
			used.add(role.getString("value"));
		}
	}

}
