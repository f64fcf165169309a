package io.github.coordinatorha;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts test nodes: whole applications in this JVM, with rootCoord in active-standby
 * mode on a short TTL, talking to a real etcd under a root path of the test's own.
 */
public final class TestApplications {

	private TestApplications() {
	}

	/**
	 * Starts a node.
	 * @param configuration the application's configuration class
	 * @param endpoints the etcd endpoints
	 * @param rootPath the test's root path
	 * @param properties further properties, which win over the defaults
	 * @return the running context
	 */
	public static ConfigurableApplicationContext run(Class<?> configuration, String endpoints, String rootPath,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("ha.etcd.endpoints=" + endpoints, "ha.session.ttl=2s",
				"ha.etcd.request-timeout=1s", "ha.etcd.root-path=" + rootPath, "rootCoord.activeStandby.enabled=true",
				"spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
	}

}
