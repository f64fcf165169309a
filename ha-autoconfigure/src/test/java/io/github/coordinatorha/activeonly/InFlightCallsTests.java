package io.github.coordinatorha.activeonly;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.TestApplications;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that gives a role up on purpose (a handover, a graceful stop) reports STANDBY
 * first, then waits for the {@code @ActiveOnly} calls in flight, at most for a bound,
 * before it releases the ACTIVE key. Two nodes in this JVM against a real etcd, driven
 * through the public API only.
 */
@ExtendWith(OutputCaptureExtension.class)
class InFlightCallsTests {

	private static final String ROOT = "rootCoord";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final List<CallState> calls = new ArrayList<>();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	private final String rootPath = "inflight-" + System.nanoTime();

	@AfterEach
	void stopNodes() {
		this.calls.forEach((call) -> call.release.countDown());
		this.callers.shutdownNow();
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

	/**
	 * A node; the handover's answer waits twice the request timeout, so 3 s leaves it
	 * room to wait for a call and still answer.
	 */
	private ConfigurableApplicationContext node(String... properties) {
		List<String> all = new ArrayList<>(List.of("ha.etcd.request-timeout=3s"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = TestApplications.run(SlowCallNode.class, etcd.endpoints(),
				this.rootPath, all.toArray(String[]::new));
		this.nodes.add(context);
		this.calls.add(context.getBean(CallState.class));
		return context;
	}

	private static ActiveStandby election(ConfigurableApplicationContext node) {
		return node.getBean(ActiveStandby.class);
	}

	private ConfigurableApplicationContext[] activeAndStandby(String... properties) {
		ConfigurableApplicationContext active = node(properties);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(active).isActive(ROOT));
		ConfigurableApplicationContext standby = node(properties);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(standby).status(ROOT).activeServerId() != 0);
		return new ConfigurableApplicationContext[] { active, standby };
	}

	/** Starts the node's slow call on a thread of its own and waits until it runs. */
	private CallState callInFlight(ConfigurableApplicationContext node) throws InterruptedException {
		CallState call = node.getBean(CallState.class);
		SlowCall slow = node.getBean(SlowCall.class);
		this.callers.execute(slow::run);
		assertThat(call.entered.await(5, TimeUnit.SECONDS)).as("the call started").isTrue();
		return call;
	}

	@Test
	void theBoundIsTenSecondsByDefault() {
		ConfigurableApplicationContext node = node();
		assertThat(node.getBean(InFlightCalls.class).bound()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void aHandoverReportsStandbyThenWaitsForACallInFlightBeforeTheStandbyTakesOver() throws Exception {
		ConfigurableApplicationContext[] pair = activeAndStandby();
		ActiveStandby active = election(pair[0]);
		CompletableFuture<Handover> handover = giveUpWhileACallRuns(pair, () -> active.handOver(ROOT));
		assertThat(handover.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(Handover.Outcome.HANDED_OVER);
	}

	@Test
	void aGracefulStopWaitsForACallInFlightBeforeTheStandbyTakesOver() throws Exception {
		ConfigurableApplicationContext[] pair = activeAndStandby();
		giveUpWhileACallRuns(pair, () -> {
			pair[0].close();
			return null;
		}).get(30, TimeUnit.SECONDS);
	}

	/**
	 * Starts a call on the active, gives the role up while it runs, and checks that the
	 * node reports STANDBY at once, admits no new call, and that the standby takes over
	 * only once the call has ended.
	 * @return what giving up returned
	 */
	private <T> CompletableFuture<T> giveUpWhileACallRuns(ConfigurableApplicationContext[] pair, Supplier<T> giveUp)
			throws InterruptedException {
		ActiveStandby active = election(pair[0]);
		ActiveStandby standby = election(pair[1]);
		SlowCall slow = pair[0].getBean(SlowCall.class);
		CallState call = callInFlight(pair[0]);
		CompletableFuture<T> result = CompletableFuture.supplyAsync(giveUp, this.callers);
		await().atMost(Duration.ofSeconds(2)).until(() -> !active.isActive(ROOT));
		assertThat(slow.run()).as("a new call on the node giving the role up ran").isFalse();
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !standby.isActive(ROOT));
		call.release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> standby.isActive(ROOT));
		assertThat(standby.status(ROOT).since()).as("when the standby became ACTIVE: after the call ended")
			.isAfter(call.endedAt);
		return result;
	}

	@Test
	void aHandoverReleasesTheRoleAtTheBoundWhileACallStillRuns(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext[] pair = activeAndStandby("test.in-flight-bound=1500ms");
		ConfigurableApplicationContext active = pair[0];
		ConfigurableApplicationContext standby = pair[1];
		assertThat(active.getBean(InFlightCalls.class).bound()).isEqualTo(Duration.ofMillis(1500));
		CallState call = callInFlight(active);
		Instant askedAt = Instant.now();
		Handover handover = election(active).handOver(ROOT);
		await().atMost(Duration.ofSeconds(5)).until(() -> election(standby).isActive(ROOT));
		long tookOverAfterMillis = Duration.between(askedAt, election(standby).status(ROOT).since()).toMillis();
		assertThat(handover.outcome()).isEqualTo(Handover.Outcome.HANDED_OVER);
		assertThat(tookOverAfterMillis).as("the standby waited for the bound").isGreaterThanOrEqualTo(1500);
		assertThat(call.endedAt).as("the call still runs").isNull();
		assertThat(output)
			.contains("1 @ActiveOnly call(s) of role rootCoord still run after 1500ms;" + " releasing the role anyway");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SlowCallNode {

		@Bean
		InFlightCalls inFlightCalls(Environment environment) {
			return new InFlightCalls(
					environment.getProperty("test.in-flight-bound", Duration.class, Duration.ofSeconds(10)));
		}

		@Bean
		CallState callState() {
			return new CallState();
		}

		@Bean
		SlowCall slowCall(CallState state) {
			return new SlowCall(state);
		}

	}

	/**
	 * Where the slow call says it runs, and where the test lets it end.
	 */
	static class CallState {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile Instant endedAt;

	}

	/**
	 * An {@code @ActiveOnly} call that runs until the test lets it end.
	 */
	static class SlowCall {

		private final CallState state;

		SlowCall(CallState state) {
			this.state = state;
		}

		/**
		 * Runs until released.
		 * @return {@code true} if it ran, {@code false} when skipped on a standby
		 */
		@ActiveOnly(ROOT)
		public boolean run() {
			this.state.entered.countDown();
			try {
				this.state.release.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.state.endedAt = Instant.now();
			return true;
		}

	}

}
