package io.github.coordinatorha.election;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.github.coordinatorha.client.ActiveRouting;
import io.github.coordinatorha.directory.ActiveMember;
import io.github.coordinatorha.election.FakeCoordinator.Mode;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link ActiveRouting} against a real etcd, two real candidates and their web sides: a
 * call to {@code http://rootCoord/...} reaches the active; a standby's refusal and a
 * refused connection are sent again when the directory has moved (a refusal until a node
 * serves the call, within the wait); a call whose effect is unknown is sent again only
 * when marked idempotent.
 */
class ActiveRoutingTests {

	private static final String ROOT = CoordinatorPair.ROOT;

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final String rootPath = "routing-" + System.nanoTime();

	private CoordinatorPair pair;

	private FakeCoordinator firstWeb;

	private FakeCoordinator secondWeb;

	private TestNode first;

	private TestNode second;

	private TestNode client;

	@AfterEach
	void stop() throws Exception {
		if (this.pair != null) {
			this.pair.close();
		}
	}

	/**
	 * Starts two candidates with their web sides, the first active, and a client that
	 * routes by a directory of its own.
	 */
	private RestClient twoCoordinatorsAndAClient(Duration awaitActive) {
		this.pair = new CoordinatorPair(etcd.cluster(), this.rootPath);
		this.firstWeb = this.pair.firstWeb;
		this.secondWeb = this.pair.secondWeb;
		this.first = this.pair.first;
		this.second = this.pair.second;
		return client(awaitActive);
	}

	private RestClient client(Duration awaitActive) {
		this.client = this.pair.node("ha.directory.roles=rootCoord");
		TestNode client = this.client;
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newHttpClient());
		requests.setReadTimeout(Duration.ofMillis(500));
		return RestClient.builder()
			.requestFactory(requests)
			.requestInterceptor(new ActiveRouting(client.directory(), awaitActive, true))
			.build();
	}

	private static String who(RestClient client) {
		return client.get().uri("http://rootCoord/who").retrieve().body(String.class);
	}

	private static String serverId(TestNode node) {
		return CoordinatorPair.serverId(node);
	}

	@Test
	void aCallToTheRoleReachesTheActiveAndFollowsAHandover() {
		RestClient client = twoCoordinatorsAndAClient(Duration.ofSeconds(10));
		assertThat(who(client)).isEqualTo(serverId(this.first));
		assertThat(this.first.activeStandby().handOver(ROOT).isHandedOver()).isTrue();
		assertThat(who(client)).isEqualTo(serverId(this.second));
		assertThat(client.get().uri("http://ROOTCOORD/who").retrieve().body(String.class))
			.isEqualTo(serverId(this.second));
	}

	@Test
	void aStandbysRefusalIsSentAgainUntilTheNextActiveServesIt() {
		RestClient client = twoCoordinatorsAndAClient(Duration.ofSeconds(10));
		assertThat(who(client)).isEqualTo(serverId(this.first));
		// the moment after the first lost the role: it refuses, and only then does the
		// directory move
		this.firstWeb.mode(Mode.REFUSE);
		CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> who(client));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.firstWeb.received() >= 2);
		assertThat(call).isNotDone();
		assertThat(this.first.activeStandby().handOver(ROOT).isHandedOver()).isTrue();
		assertThat(call.join()).isEqualTo(serverId(this.second));
		assertThat(this.secondWeb.received())
			.as("calls the successor got (it may refuse until its own watch shows it active)")
			.isPositive();
	}

	@Test
	void aNewActiveThatStillRefusesIsSentTheCallAgainUntilItServes() throws Exception {
		RestClient client = twoCoordinatorsAndAClient(Duration.ofSeconds(10));
		// the successor is not serving yet (still loading its state, or its own watch is
		// behind the client's directory)
		this.secondWeb.mode(Mode.REFUSE);
		ActiveMember before = this.client.directory().awaitActive(ROOT, Duration.ofSeconds(5)).orElseThrow();
		assertThat(this.first.activeStandby().handOver(ROOT).isHandedOver()).isTrue();
		awaitDirectoryMovedFrom(before);
		CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> who(client));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.secondWeb.received() >= 2);
		assertThat(call).isNotDone();
		this.secondWeb.mode(Mode.SERVE);
		assertThat(call.join()).isEqualTo(serverId(this.second));
		assertThat(this.firstWeb.received()).isZero();
	}

	private void awaitDirectoryMovedFrom(ActiveMember before) {
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.client.directory()
				.active(ROOT)
				.filter((active) -> active.term() != before.term())
				.isPresent());
	}

	@Test
	void aRefusedConnectionIsSentAgainToTheNextActive() {
		RestClient client = twoCoordinatorsAndAClient(Duration.ofSeconds(10));
		this.firstWeb.stopListening();
		AtomicReference<Thread> caller = new AtomicReference<>();
		CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
			caller.set(Thread.currentThread());
			return who(client);
		});
		// refused at once; the call now waits for the directory to move
		await().atMost(Duration.ofSeconds(5)).until(() -> waitsForTheDirectory(caller.get()));
		assertThat(call).isNotDone();
		this.first.close();
		assertThat(call.join()).isEqualTo(serverId(this.second));
	}

	private static boolean waitsForTheDirectory(Thread caller) {
		return caller != null && java.util.Arrays.stream(caller.getStackTrace())
			.anyMatch((frame) -> frame.getClassName().equals(RoleFollower.class.getName())
					&& frame.getMethodName().equals("await"));
	}

	@Test
	void aCallThatTimedOutIsNotSentAgainUnlessMarkedIdempotent() {
		RestClient client = twoCoordinatorsAndAClient(Duration.ofSeconds(10));
		this.firstWeb.mode(Mode.HANG);
		CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> who(client));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.firstWeb.received() == 1);
		assertThat(this.first.activeStandby().handOver(ROOT).isHandedOver()).isTrue();
		assertThat(call).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.withCauseInstanceOf(ResourceAccessException.class);
		assertThat(this.secondWeb.received()).isZero();

		this.secondWeb.mode(Mode.HANG);
		CompletableFuture<String> idempotent = CompletableFuture.supplyAsync(() -> client.get()
			.uri("http://rootCoord/who")
			.attributes(ActiveRouting.idempotent())
			.retrieve()
			.body(String.class));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.secondWeb.received() == 1);
		this.firstWeb.mode(Mode.SERVE);
		assertThat(this.second.activeStandby().handOver(ROOT).isHandedOver()).isTrue();
		assertThat(idempotent.join()).isEqualTo(serverId(this.first));
	}

	@Test
	void aStandbysRefusalReachesTheCallerWhenNoNodeServesWithinTheWait() {
		RestClient client = twoCoordinatorsAndAClient(Duration.ofMillis(300));
		this.firstWeb.mode(Mode.REFUSE);
		long start = System.nanoTime();
		assertThatExceptionOfType(HttpServerErrorException.ServiceUnavailable.class).isThrownBy(() -> who(client));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(this.firstWeb.received()).isGreaterThan(1);
		assertThat(this.secondWeb.received()).isZero();
	}

	@Test
	void aCallToARoleWithoutAnActiveFailsUnsentNamingTheFix() {
		try (TestNode node = TestNode.start(etcd.cluster(), "ha.directory.roles=rootCoord",
				"ha.etcd.root-path=" + this.rootPath)) {
			RestClient client = RestClient.builder()
				.requestInterceptor(new ActiveRouting(node.directory(), Duration.ofMillis(300), true))
				.build();
			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> who(client))
				.havingRootCause()
				.isInstanceOf(ActiveRouting.NoActiveException.class)
				.withMessage("No active node of role rootCoord in 300 ms: the call was not sent. Check that the role's"
						+ " nodes run and reach etcd (their sessions show in the role directory), or raise"
						+ " ha.directory.await-active");
		}
	}

	@Test
	void callsToOtherHostsPassUntouched() {
		RestClient client = twoCoordinatorsAndAClient(Duration.ofMillis(300));
		FakeCoordinator other = this.pair.web();
		other.mode(Mode.REFUSE);
		other.serving(this.first);
		assertThatExceptionOfType(HttpServerErrorException.ServiceUnavailable.class).isThrownBy(
				() -> client.get().uri("http://127.0.0.1:" + other.port() + "/who").retrieve().toBodilessEntity());
		assertThat(other.received()).isEqualTo(1);
		assertThat(this.firstWeb.received() + this.secondWeb.received()).isZero();
	}

}
