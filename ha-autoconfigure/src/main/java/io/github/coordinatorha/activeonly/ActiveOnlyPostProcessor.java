package io.github.coordinatorha.activeonly;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.election.RoleDefinition;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies beans that use {@link ActiveOnly}, the way Spring proxies {@code @Async} and
 * {@code @Validated} beans, and checks at startup that every role they name exists. It
 * runs before Spring's {@code @Scheduled} processing, so scheduled calls go through the
 * proxy.
 *
 * @since 0.1.0
 */
public class ActiveOnlyPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private final Set<String> roles;

	/**
	 * Creates the post-processor.
	 * @param activeStandby looks the election up at the first call
	 * @param inFlight looks the in-flight counter up at the first call
	 * @param roles every role a name may refer to
	 */
	public ActiveOnlyPostProcessor(Supplier<ActiveStandby> activeStandby, Supplier<InFlightCalls> inFlight,
			Iterable<RoleDefinition> roles) {
		this.roles = new LinkedHashSet<>();
		roles.forEach((role) -> this.roles.add(role.name()));
		ComposablePointcut pointcut = new ComposablePointcut(new AnnotationMatchingPointcut(ActiveOnly.class, true))
			.union(new AnnotationMatchingPointcut(null, ActiveOnly.class, true));
		this.advisor = new DefaultPointcutAdvisor(pointcut, new ActiveOnlyInterceptor(activeStandby, inFlight));
		setProxyTargetClass(true);
		setBeforeExistingAdvisors(true);
		setOrder(Ordered.LOWEST_PRECEDENCE - 100);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		checkRoles(beanName, ClassUtils.getUserClass(bean));
		return super.postProcessAfterInitialization(bean, beanName);
	}

	private void checkRoles(String beanName, Class<?> type) {
		ActiveOnly onType = AnnotatedElementUtils.findMergedAnnotation(type, ActiveOnly.class);
		if (onType != null) {
			check(beanName, type.getName(), onType);
		}
		ReflectionUtils.doWithMethods(type, (method) -> {
			ActiveOnly onMethod = AnnotatedElementUtils.findMergedAnnotation(method, ActiveOnly.class);
			if (onMethod != null) {
				check(beanName, type.getName() + "." + method.getName(), onMethod);
			}
		});
	}

	private void check(String beanName, String where, ActiveOnly activeOnly) {
		if (!this.roles.contains(activeOnly.value())) {
			throw new BeanCreationException(beanName,
					"@ActiveOnly(\"" + activeOnly.value() + "\") on " + where + " names no role; the roles are "
							+ this.roles + " (names are case-sensitive; declare roles of your own under ha.roles)");
		}
	}

}
