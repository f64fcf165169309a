package io.github.coordinatorha.actuate.endpoint;

import java.util.Map;
import java.util.Optional;

import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * A selector as the request's path gave it, before Spring Boot let the body's and the
 * query's keys replace it: Spring MVC's handler mapping keeps the path's template
 * variables in a request attribute, and the dispatcher servlet binds the request to the
 * thread. Empty elsewhere (WebFlux, JMX, a direct call).
 */
final class PathSelector {

	/**
	 * {@code HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE}, by value: spring-webmvc
	 * need not be on the classpath.
	 */
	private static final String TEMPLATE_VARIABLES = "org.springframework.web.servlet.HandlerMapping.uriTemplateVariables";

	private static final boolean WEB_PRESENT = ClassUtils
		.isPresent("org.springframework.web.context.request.RequestContextHolder", PathSelector.class.getClassLoader());

	private PathSelector() {
	}

	static Optional<String> current(String name) {
		return WEB_PRESENT ? fromRequest(name) : Optional.empty();
	}

	private static Optional<String> fromRequest(String name) {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		Object variables = (attributes != null)
				? attributes.getAttribute(TEMPLATE_VARIABLES, RequestAttributes.SCOPE_REQUEST) : null;
		return (variables instanceof Map<?, ?> map && map.get(name) instanceof String value) ? Optional.of(value)
				: Optional.empty();
	}

}
