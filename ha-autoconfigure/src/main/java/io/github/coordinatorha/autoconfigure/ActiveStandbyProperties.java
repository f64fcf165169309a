package io.github.coordinatorha.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings common to every role, under {@code ha}. Each role is switched on by its own
 * toggle: {@code rootCoord.activeStandby.enabled}, {@code queryCoord...},
 * {@code dataCoord...}, or {@code ha.roles.<name>.activeStandby.enabled} for roles of
 * your own.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("ha")
public class ActiveStandbyProperties {

	private final Etcd etcd = new Etcd();

	private final Session session = new Session();

	private final Health health = new Health();

	private final Directory directory = new Directory();

	/**
	 * Further roles by name, beside rootCoord, queryCoord and dataCoord, for example
	 * {@code ha.roles.indexCoord.activeStandby.enabled=true}. Names are letters and
	 * digits, starting with a letter.
	 */
	private final Map<String, CoordinatorProperties> roles = new LinkedHashMap<>();

	public Etcd getEtcd() {
		return this.etcd;
	}

	public Session getSession() {
		return this.session;
	}

	public Map<String, CoordinatorProperties> getRoles() {
		return this.roles;
	}

	public Health getHealth() {
		return this.health;
	}

	public Directory getDirectory() {
		return this.directory;
	}

	/**
	 * The role directory, which tells this application which node is active for each role
	 * it names, and the routing of RestClient calls to those roles.
	 */
	public static class Directory {

		/**
		 * Roles whose active node and sessions this application follows, for example
		 * rootCoord,queryCoord, whether or not it competes for them: one etcd watch each,
		 * and no writes. A RestClient call to http://rootCoord/... then reaches the
		 * role's active node.
		 */
		private List<String> roles = new ArrayList<>();

		/**
		 * How long a call routed to a role waits for the directory: for an active node
		 * when none is known, and, after a standby refused the call or the active refused
		 * the connection, for an active that serves it (the call is sent again until one
		 * does). Longer than the session TTL of the role's nodes, so a call can ride out
		 * a crash.
		 */
		private Duration awaitActive = Duration.ofSeconds(15);

		public List<String> getRoles() {
			return this.roles;
		}

		public void setRoles(List<String> roles) {
			this.roles = roles;
		}

		public Duration getAwaitActive() {
			return this.awaitActive;
		}

		public void setAwaitActive(Duration awaitActive) {
			this.awaitActive = awaitActive;
		}

	}

	/**
	 * How the roles show in health.
	 */
	public static class Health {

		private final Readiness readiness = new Readiness();

		/**
		 * Whether an active node hands its roles over to a registered standby when the
		 * application's own health turns DOWN, so that a sick active does not keep a role
		 * its standby could serve. Needs the health endpoint.
		 */
		private boolean resignWhenDown;

		/**
		 * How often the application's health is checked for resign-when-down.
		 */
		private Duration checkInterval = Duration.ofSeconds(5);

		public Readiness getReadiness() {
			return this.readiness;
		}

		public boolean isResignWhenDown() {
			return this.resignWhenDown;
		}

		public void setResignWhenDown(boolean resignWhenDown) {
			this.resignWhenDown = resignWhenDown;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

	/**
	 * Readiness of a node for traffic.
	 */
	public static class Readiness {

		/**
		 * Whether readiness (/actuator/health/readiness) reports a node that is STANDBY
		 * for any role as not ready, so that a Kubernetes Service or a load balancer
		 * sends traffic to the active only. Liveness is never affected. Suits an
		 * application with one role; with several, probe each role's own health group
		 * (/actuator/health/rootCoord) instead.
		 */
		private boolean standbyNotReady;

		public boolean isStandbyNotReady() {
			return this.standbyNotReady;
		}

		public void setStandbyNotReady(boolean standbyNotReady) {
			this.standbyNotReady = standbyNotReady;
		}

	}

	/**
	 * Where the etcd cluster is and where our keys live in it.
	 */
	public static class Etcd {

		/**
		 * etcd client URLs, for example http://etcd-0:2379,http://etcd-1:2379.
		 */
		private List<String> endpoints = new ArrayList<>(List.of("http://localhost:2379"));

		/**
		 * Root path of every key, as Milvus's etcd.rootPath.
		 */
		private String rootPath = "by-dev";

		/**
		 * Sub-path under the root path that holds sessions, as Milvus's etcd.metaSubPath.
		 */
		private String metaSubPath = "meta";

		/**
		 * Deadline of every call to etcd. A call that misses it counts as failed with an
		 * unknown outcome.
		 */
		private Duration requestTimeout = Duration.ofSeconds(3);

		/**
		 * User to authenticate as, when etcd has authentication enabled. Its role needs
		 * read-write permission on the root path's prefix.
		 */
		private @Nullable String username;

		/**
		 * Password of the user. Never logged or shown.
		 */
		private @Nullable String password;

		private final Ssl ssl = new Ssl();

		public Ssl getSsl() {
			return this.ssl;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public List<String> getEndpoints() {
			return this.endpoints;
		}

		public void setEndpoints(List<String> endpoints) {
			this.endpoints = endpoints;
		}

		public String getRootPath() {
			return this.rootPath;
		}

		public void setRootPath(String rootPath) {
			this.rootPath = rootPath;
		}

		public String getMetaSubPath() {
			return this.metaSubPath;
		}

		public void setMetaSubPath(String metaSubPath) {
			this.metaSubPath = metaSubPath;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

	}

	/**
	 * TLS to etcd. The endpoints' scheme decides: {@code https://} endpoints talk TLS;
	 * TLS asked for (enabled, or a bundle named) with {@code http://} endpoints fails at
	 * startup rather than be dropped.
	 */
	public static class Ssl {

		/**
		 * Whether to require TLS to etcd: set with http:// endpoints, startup fails;
		 * https:// endpoints talk TLS whatever this says. Without a bundle, etcd's
		 * certificate must be trusted by the JVM's default trust store.
		 */
		private boolean enabled;

		/**
		 * Name of the SSL bundle (under spring.ssl.bundle) that holds the CA that signed
		 * etcd's certificate and, for mutual TLS, this node's client certificate and
		 * private key: PEM files or PEM text, or Java key stores.
		 */
		private @Nullable String bundle;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * This node's session in etcd.
	 */
	public static class Session {

		/**
		 * TTL of the session's lease: how long after a crash a standby takes over. etcd
		 * may raise it to its minimum (2s on default server settings); the node uses what
		 * etcd grants.
		 */
		private Duration ttl = Duration.ofSeconds(10);

		/**
		 * Address this node advertises in its session, host:port. Defaults to this host's
		 * address and the web server's port.
		 */
		private @Nullable String address;

		/**
		 * What the node does when its session is lost (etcd unreachable, lease expired):
		 * step down and rejoin once etcd answers, or exit the process as Milvus does.
		 */
		private SessionLossAction onLoss = SessionLossAction.REJOIN;

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable String getAddress() {
			return this.address;
		}

		public void setAddress(@Nullable String address) {
			this.address = address;
		}

		public SessionLossAction getOnLoss() {
			return this.onLoss;
		}

		public void setOnLoss(SessionLossAction onLoss) {
			this.onLoss = onLoss;
		}

	}

	/**
	 * What a node does when its session is lost.
	 */
	public enum SessionLossAction {

		/**
		 * Step every role down to STANDBY, then open a new session and compete again once
		 * etcd answers.
		 */
		REJOIN,

		/**
		 * Step down, then exit the process with status 1, as Milvus does; a supervisor is
		 * expected to restart it.
		 */
		EXIT

	}

}
