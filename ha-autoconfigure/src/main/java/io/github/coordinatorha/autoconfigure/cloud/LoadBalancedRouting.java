package io.github.coordinatorha.autoconfigure.cloud;

import io.github.coordinatorha.client.ActiveRouting;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRestClientBuilderBeanPostProcessor;
import org.springframework.web.client.RestClient;

/**
 * Lets the load balancer resolve a role's name on {@code @LoadBalanced} RestClient
 * builders: Spring Cloud gives those its load balancer interceptor, which picks the
 * role's active by the same directory, so their {@link ActiveRouting} only waits and
 * sends again. Every other builder keeps an {@link ActiveRouting} that resolves the name
 * itself. Nothing changes where Spring Cloud's load balancing of RestClient builders is
 * off.
 */
class LoadBalancedRouting implements BeanPostProcessor, BeanFactoryAware {

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof RestClient.Builder builder && isLoadBalanced(beanName)) {
			builder.requestInterceptors((interceptors) -> interceptors
				.replaceAll((interceptor) -> (interceptor instanceof ActiveRouting routing && routing.isResolving())
						? routing.leavingResolutionToLoadBalancer() : interceptor));
		}
		return bean;
	}

	private boolean isLoadBalanced(String beanName) {
		ConfigurableListableBeanFactory factory = this.beanFactory;
		return factory != null && factory.containsBeanDefinition(beanName)
				&& factory.findAnnotationOnBean(beanName, LoadBalanced.class) != null && factory
					.getBeanNamesForType(LoadBalancerRestClientBuilderBeanPostProcessor.class, false, false).length > 0;
	}

}
