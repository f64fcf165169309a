package io.github.coordinatorha.cloud;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.directory.ActiveMember;
import io.github.coordinatorha.directory.RoleDirectory;
import io.github.coordinatorha.directory.RoleMember;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * The instances Spring Cloud LoadBalancer may pick for a role: only its active node, as
 * the {@link RoleDirectory} sees it at the moment of each call, so a
 * {@code @LoadBalanced} client's call to {@code http://<role>/...} reaches the active.
 * When no active is known, it waits for one, up to {@code ha.directory.await-active}, on
 * Reactor's bounded elastic threads; then it yields no instance, and the load balancer
 * fails the call.
 *
 * @since 0.3.0
 */
public class ActiveInstanceListSupplier implements ServiceInstanceListSupplier {

	private final RoleDirectory directory;

	private final String role;

	private final Duration awaitActive;

	/**
	 * @param directory the role directory
	 * @param role the role, as the directory follows it
	 * @param awaitActive how long to wait for an active when none is known
	 */
	public ActiveInstanceListSupplier(RoleDirectory directory, String role, Duration awaitActive) {
		this.directory = directory;
		this.role = role;
		this.awaitActive = awaitActive;
	}

	@Override
	public String getServiceId() {
		return this.role;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return Mono
			.fromCallable(() -> this.directory.active(this.role)
				.or(() -> awaitActive())
				.map(this::instance)
				.map(List::of)
				.orElse(List.of()))
			.subscribeOn(Schedulers.boundedElastic())
			.flux();
	}

	private Optional<ActiveMember> awaitActive() {
		try {
			return this.directory.awaitActive(this.role, this.awaitActive);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	private ServiceInstance instance(ActiveMember active) {
		return RoleDiscoveryClient.instance(
				new RoleMember(this.role, active.serverId(), active.address(), RoleState.ACTIVE, null, null, false));
	}

}
