package io.github.coordinatorha.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyProperties.SessionLossAction;
import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.election.ElectionObserver;
import io.github.coordinatorha.election.ElectionSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the coordinators' active-standby election on etcd.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@EnableConfigurationProperties(ActiveStandbyProperties.class)
public final class ActiveStandbyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConfiguredRoles haConfiguredRoles(Environment environment) {
		return ConfiguredRoles.from(environment);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@Conditional(OnActiveStandbyCondition.class)
	Client haEtcdClient(ActiveStandbyProperties properties, ObjectProvider<SslBundles> sslBundles) {
		return EtcdClients.create(properties.getEtcd(), sslBundles.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean(ActiveStandby.class)
	ElectionNode activeStandby(ConfiguredRoles roles, ActiveStandbyProperties properties,
			ObjectProvider<Client> client, ObjectProvider<ElectionObserver> observers,
			ApplicationEventPublisher publisher, Environment environment, ConfigurableApplicationContext context) {
		ElectionSettings settings = settings(properties, environment);
		Runnable exitOnLoss = (properties.getSession().getOnLoss() == SessionLossAction.EXIT)
				? () -> System.exit(SpringApplication.exit(context, () -> 1)) : null;
		return new ElectionNode(roles.anyActiveStandby() ? client.getObject() : null, settings, roles.roles(),
				publisher, exitOnLoss, ElectionObserver.of(observers.orderedStream().toList()));
	}

	private static ElectionSettings settings(ActiveStandbyProperties properties, Environment environment) {
		ActiveStandbyProperties.Session session = properties.getSession();
		positive("ha.session.ttl", session.getTtl());
		if (session.getTtl().compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidHaConfigurationException("ha.session.ttl", "is " + session.getTtl().toMillis()
					+ "ms, but etcd grants leases in whole seconds, 1s at the least",
					"Set it to 1s or more (10s by default; 2s suits a LAN)");
		}
		positive("ha.etcd.request-timeout", properties.getEtcd().getRequestTimeout());
		InetAddress localHost = localHost();
		String host = (localHost != null) ? localHost.getHostAddress() : "127.0.0.1";
		String hostName = (localHost != null) ? localHost.getHostName() : "localhost";
		Supplier<String> address = () -> (session.getAddress() != null) ? session.getAddress()
				: host + ":" + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
		String version = ElectionNode.class.getPackage().getImplementationVersion();
		return new ElectionSettings(properties.getEtcd().getRootPath(), properties.getEtcd().getMetaSubPath(),
				session.getTtl(), properties.getEtcd().getRequestTimeout(), address, hostName,
				(version != null) ? version : "dev", String.join(",", properties.getEtcd().getEndpoints()));
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidHaConfigurationException(property, "is " + value + ", but must be positive",
					"Set it to a positive duration such as 10s");
		}
	}

	private static InetAddress localHost() {
		try {
			return InetAddress.getLocalHost();
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

}
