package io.github.coordinatorha.autoconfigure;

import java.util.List;

import io.etcd.jetcd.Client;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyProperties.SessionLossAction;
import io.github.coordinatorha.directory.RoleDirectory;
import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.election.ElectionObserver;
import io.github.coordinatorha.election.EtcdRoleDirectory;
import io.github.coordinatorha.election.RoleDefinition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.info.ProjectInfoAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the coordinators' active-standby election on etcd.
 * <p>
 * Nothing here depends on a condition of the role toggles: they are read when the beans
 * are created, so that they work at run time in AOT mode too, where conditions are fixed
 * at build time.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { SslAutoConfiguration.class, ProjectInfoAutoConfiguration.class })
@EnableConfigurationProperties(ActiveStandbyProperties.class)
@ImportRuntimeHints(ActiveStandbyRuntimeHints.class)
public final class ActiveStandbyAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ActiveStandbyAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	ConfiguredRoles haConfiguredRoles(Environment environment, ConfigurableListableBeanFactory beanFactory) {
		ConfiguredRoles roles = ConfiguredRoles.from(environment);
		return roles.andUsed(UsedRoles.in(beanFactory, roles.known().stream().map(RoleDefinition::name).toList()));
	}

	@Bean
	@ConditionalOnMissingBean(EtcdConnectionDetails.class)
	PropertiesEtcdConnectionDetails haEtcdConnectionDetails(ActiveStandbyProperties properties) {
		return new PropertiesEtcdConnectionDetails(properties.getEtcd());
	}

	/**
	 * The etcd client, or none (a {@code null} bean, which injection points see as
	 * absent) when no role runs in active-standby mode and the role directory follows no
	 * role: such an application needs no etcd at all.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@Nullable Client haEtcdClient(ConfiguredRoles roles, EtcdConnectionDetails connectionDetails,
			ActiveStandbyProperties properties, ObjectProvider<SslBundles> sslBundles) {
		if (!roles.anyActiveStandby() && DirectoryRoles.of(properties).isEmpty()) {
			return null;
		}
		return EtcdClients.create(connectionDetails, properties.getEtcd(), sslBundles.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean(ActiveStandby.class)
	ElectionNode activeStandby(ConfiguredRoles roles, ActiveStandbyProperties properties, ObjectProvider<Client> client,
			ObjectProvider<EtcdConnectionDetails> connectionDetails, ObjectProvider<ElectionObserver> observers,
			ObjectProvider<BuildProperties> build, ApplicationEventPublisher publisher, Environment environment,
			ConfigurableApplicationContext context) {
		Runnable exitOnLoss = (properties.getSession().getOnLoss() == SessionLossAction.EXIT)
				? () -> System.exit(SpringApplication.exit(context, () -> 1)) : null;
		if (!roles.anyActiveStandby() && DirectoryRoles.of(properties).isEmpty()) {
			warnIfEtcdIsConfigured(roles, environment, connectionDetails.getObject());
		}
		return new ElectionNode(roles.anyActiveStandby() ? client.getObject() : null,
				SessionSettings.of(properties, environment, build.getIfAvailable(),
						connectionDetails.getObject().getEndpoints()),
				roles.roles(), publisher, exitOnLoss, ElectionObserver.of(observers.orderedStream().toList()));
	}

	/**
	 * The role directory: it follows the roles of {@code ha.directory.roles}, or none.
	 */
	@Bean
	@ConditionalOnMissingBean(RoleDirectory.class)
	EtcdRoleDirectory haRoleDirectory(ActiveStandbyProperties properties, ObjectProvider<Client> client,
			EtcdConnectionDetails connectionDetails, ApplicationEventPublisher publisher) {
		List<String> roles = DirectoryRoles.of(properties);
		DirectoryRoles.awaitActive(properties);
		ActiveStandbyProperties.Etcd etcd = properties.getEtcd();
		return new EtcdRoleDirectory(roles.isEmpty() ? null : client.getObject(), etcd.getRootPath(),
				etcd.getMetaSubPath(), etcd.getRequestTimeout(), String.join(",", connectionDetails.getEndpoints()),
				roles, publisher);
	}

	private static void warnIfEtcdIsConfigured(ConfiguredRoles roles, Environment environment,
			EtcdConnectionDetails connectionDetails) {
		boolean endpointsSet = Binder.get(environment)
			.bind("ha.etcd.endpoints", Bindable.listOf(String.class))
			.isBound();
		boolean detailsBean = connectionDetails != null
				&& !(connectionDetails instanceof PropertiesEtcdConnectionDetails);
		if (endpointsSet || detailsBean) {
			String where = detailsBean ? "an EtcdConnectionDetails bean points at etcd"
					: "ha.etcd.endpoints is set (" + String.join(",", connectionDetails.getEndpoints()) + ")";
			logger.warn(where + ", but no role runs in active-standby mode: this node does not use etcd and serves "
					+ ((roles.roles().isEmpty()) ? "no role" : "every role ("
							+ String.join(", ", roles.roles().stream().map(RoleDefinition::name).toList()) + ")")
					+ " on its own. To elect, set rootCoord.activeStandby.enabled=true (likewise queryCoord,"
					+ " dataCoord) or ha.roles.<name>.activeStandby.enabled=true");
		}
	}

}
