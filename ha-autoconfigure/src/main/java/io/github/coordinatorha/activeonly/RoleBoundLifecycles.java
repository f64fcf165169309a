package io.github.coordinatorha.activeonly;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.RoleBound;
import io.github.coordinatorha.RoleTransitionEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Starts the {@link RoleBound} beans of a role when this node becomes ACTIVE and stops
 * them, in reverse order, when it becomes STANDBY. It hears of each transition before any
 * other listener (it runs on the role's event thread). A bean that fails to start stops
 * the ones already started and fails the activation, so the node gives the role up rather
 * than run half-active.
 *
 * @since 0.1.0
 */
public class RoleBoundLifecycles
		implements ApplicationListener<RoleTransitionEvent>, Ordered, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(RoleBoundLifecycles.class);

	private final ConfigurableListableBeanFactory beanFactory;

	private final Map<String, List<Lifecycle>> byRole = new ConcurrentHashMap<>();

	public RoleBoundLifecycles(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, Lifecycle> lifecycles = this.beanFactory.getBeansOfType(Lifecycle.class, false, false);
		lifecycles.forEach((name, lifecycle) -> {
			RoleBound roleBound = AnnotationUtils.findAnnotation(ClassUtils.getUserClass(lifecycle), RoleBound.class);
			if (roleBound == null) {
				return;
			}
			if (lifecycle instanceof SmartLifecycle smart && smart.isAutoStartup()) {
				throw new IllegalStateException("@RoleBound bean '" + name + "' would also be started by the context:"
						+ " make its isAutoStartup() return false so that only the election starts it");
			}
			this.byRole.computeIfAbsent(roleBound.value(), (role) -> new ArrayList<>()).add(lifecycle);
		});
		this.byRole.values().forEach(AnnotationAwareOrderComparator::sort);
	}

	@Override
	public void onApplicationEvent(RoleTransitionEvent event) {
		List<Lifecycle> lifecycles = this.byRole.getOrDefault(event.getRole(), List.of());
		if (event instanceof BecameActiveEvent) {
			start(event.getRole(), lifecycles);
		}
		else if (event instanceof BecameStandbyEvent) {
			stop(event.getRole(), lifecycles);
		}
	}

	private void start(String role, List<Lifecycle> lifecycles) {
		List<Lifecycle> started = new ArrayList<>();
		for (Lifecycle lifecycle : lifecycles) {
			try {
				lifecycle.start();
				started.add(lifecycle);
			}
			catch (RuntimeException ex) {
				logger.error("A @RoleBound bean of role " + role + " failed to start; stopping the others and giving"
						+ " the role up");
				stop(role, started);
				throw ex;
			}
		}
	}

	private void stop(String role, List<Lifecycle> lifecycles) {
		for (int i = lifecycles.size() - 1; i >= 0; i--) {
			Lifecycle lifecycle = lifecycles.get(i);
			try {
				if (lifecycle.isRunning()) {
					lifecycle.stop();
				}
			}
			catch (RuntimeException ex) {
				logger.error("A @RoleBound bean of role " + role + " failed to stop", ex);
			}
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
