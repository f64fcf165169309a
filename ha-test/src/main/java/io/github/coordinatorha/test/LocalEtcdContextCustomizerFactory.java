package io.github.coordinatorha.test;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives a {@link LocalEtcd} test class an application context of its own, pointed at its
 * etcd: the customizer is part of the context's cache key and names the class, so no
 * other class's context (and no other class's etcd) is ever reused.
 */
class LocalEtcdContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		if (!TestContextAnnotationUtils.hasAnnotation(testClass, LocalEtcd.class)) {
			return null;
		}
		return new LocalEtcdContextCustomizer(testClass);
	}

	/**
	 * Puts {@code ha.etcd.endpoints} first among the context's property sources.
	 */
	private static final class LocalEtcdContextCustomizer implements ContextCustomizer {

		private final Class<?> testClass;

		LocalEtcdContextCustomizer(Class<?> testClass) {
			this.testClass = testClass;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration merged) {
			String endpoints = System.getProperty(LocalEtcdExtension.ENDPOINTS_PROPERTY);
			if (endpoints == null) {
				throw new IllegalStateException("@LocalEtcd on " + this.testClass.getName()
						+ ": the context was loaded before its etcd started; load it in a test, not earlier");
			}
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("localEtcd", Map.of(LocalEtcdExtension.ENDPOINTS_PROPERTY, endpoints)));
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof LocalEtcdContextCustomizer customizer
					&& customizer.testClass.equals(this.testClass);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.testClass);
		}

	}

}
