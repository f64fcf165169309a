package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.etcd.jetcd.Client;
import io.github.coordinatorha.directory.ActiveChangedEvent;
import io.github.coordinatorha.directory.ActiveMember;
import io.github.coordinatorha.directory.RoleDirectory;
import io.github.coordinatorha.directory.RoleMember;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The {@link RoleDirectory} on etcd: one {@link RoleFollower} per role, all on one
 * {@code ha-directory} thread, which never blocks; {@link ActiveChangedEvent}s go out on
 * one {@code ha-directory-events} thread, in order.
 * <p>
 * It starts before the web server, so a call the application serves can already route,
 * and stops after it.
 *
 * @since 0.3.0
 */
public final class EtcdRoleDirectory implements RoleDirectory, SmartLifecycle {

	/**
	 * The lifecycle phase: before the web server starts ({@code DEFAULT_PHASE - 2048}),
	 * and so stopped after it.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(EtcdRoleDirectory.class);

	private final Map<String, RoleFollower> followers = new LinkedHashMap<>();

	private final ScheduledThreadPoolExecutor lane;

	private final ExecutorService events;

	private volatile boolean running;

	/**
	 * Follows the roles in etcd, under Milvus's key layout.
	 * @param client the etcd client; {@code null} only when {@code roles} is empty
	 * @param rootPath the etcd root path, for example {@code by-dev}
	 * @param metaSubPath the sub-path under the root that holds sessions, for example
	 * {@code meta}
	 * @param requestTimeout the deadline of each read
	 * @param endpoints etcd's endpoints, for log lines
	 * @param roles the roles to follow
	 * @param publisher where {@link ActiveChangedEvent}s go
	 */
	public EtcdRoleDirectory(@Nullable Client client, String rootPath, String metaSubPath, Duration requestTimeout,
			String endpoints, Collection<String> roles, ApplicationEventPublisher publisher) {
		this((client != null) ? new JetcdGateway(client, requestTimeout, endpoints) : null,
				new EtcdKeys(rootPath, metaSubPath), roles, publisher);
	}

	EtcdRoleDirectory(@Nullable EtcdGateway etcd, EtcdKeys keys, Collection<String> roles,
			ApplicationEventPublisher publisher) {
		this.lane = new ScheduledThreadPoolExecutor(1, named("ha-directory"), new ThreadPoolExecutor.DiscardPolicy());
		this.lane.setRemoveOnCancelPolicy(true);
		this.lane.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				named("ha-directory-events"), new ThreadPoolExecutor.DiscardPolicy());
		if (etcd == null && !roles.isEmpty()) {
			throw new IllegalArgumentException("The role directory needs an etcd client to follow " + roles);
		}
		for (String role : roles) {
			this.followers.put(role.toLowerCase(Locale.ROOT),
					new RoleFollower(role, new RoleKeys(keys, role), Objects.requireNonNull(etcd), this.lane,
							(previous, current) -> announce(publisher, role, previous, current)));
		}
	}

	private void announce(ApplicationEventPublisher publisher, String role, @Nullable ActiveMember previous,
			@Nullable ActiveMember current) {
		ActiveChangedEvent event = new ActiveChangedEvent(this, role, previous, current);
		logger.info("Role directory: " + role + " active " + ((current != null) ? "is " + current : "is none")
				+ ((previous != null) ? " (was serverId " + previous.serverId() + ")" : ""));
		this.events.execute(() -> {
			try {
				publisher.publishEvent(event);
			}
			catch (RuntimeException ex) {
				logger.warn("Role directory: a listener of " + event + " failed", ex);
			}
		});
	}

	@Override
	public Set<String> roles() {
		return this.followers.values()
			.stream()
			.map(RoleFollower::role)
			.collect(Collectors.toCollection(LinkedHashSet::new));
	}

	@Override
	public Optional<String> role(String role) {
		return Optional.ofNullable(this.followers.get(role.toLowerCase(Locale.ROOT))).map(RoleFollower::role);
	}

	@Override
	public Optional<ActiveMember> active(String role) {
		return Optional.ofNullable(follower(role).snapshot().active());
	}

	@Override
	public List<RoleMember> members(String role) {
		return follower(role).snapshot().members();
	}

	@Override
	public Optional<ActiveMember> awaitActive(String role, Duration timeout) throws InterruptedException {
		return follower(role).await((active) -> true, timeout);
	}

	@Override
	public Optional<ActiveMember> awaitNewActive(ActiveMember previous, Duration timeout) throws InterruptedException {
		return follower(previous.role()).await((active) -> !active.equals(previous), timeout);
	}

	private RoleFollower follower(String role) {
		RoleFollower follower = this.followers.get(role.toLowerCase(Locale.ROOT));
		if (follower == null) {
			throw new IllegalArgumentException("The role directory does not follow role '" + role + "'; it follows "
					+ roles() + ". Add the role to ha.directory.roles");
		}
		return follower;
	}

	@Override
	public void start() {
		if (this.lane.isShutdown()) {
			throw new IllegalStateException("The role directory was stopped; it cannot start again."
					+ " Create a new application context to follow the roles again");
		}
		if (!this.running) {
			this.running = true;
			this.followers.values().forEach(RoleFollower::start);
		}
	}

	@Override
	public void stop() {
		if (this.running) {
			this.running = false;
			this.followers.values().forEach(RoleFollower::stop);
			this.lane.shutdown();
			this.events.shutdown();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private static ThreadFactory named(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

}
