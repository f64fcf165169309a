package io.github.coordinatorha.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.coordinatorha.directory.ActiveMember;
import io.github.coordinatorha.directory.RoleDirectory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sends a call to {@code http://<role>/...} to the role's active node, for every role the
 * {@link RoleDirectory} follows (the host is the role's name, in any case); calls to
 * other hosts pass untouched.
 * <ul>
 * <li>It waits for the directory to know an active, up to {@code awaitActive}.</li>
 * <li>It sends the call there: it puts the active's address in the URI when
 * {@code resolve} is set; otherwise it writes the role's name as the directory follows it
 * and leaves the rest to a load balancer further down the chain (Spring Cloud
 * LoadBalancer picks the active by the same directory).</li>
 * <li>If the node refuses the connection (it is gone), it waits for the directory to name
 * another active, and sends the call there.</li>
 * <li>If the node answers with a {@link StandbyRefusal}, it sends the call again: at once
 * when the directory names another active, otherwise after a pause (10 ms, doubling up to
 * 200 ms) to the active the directory then names. The node may be no longer active (the
 * directory moves on within milliseconds), or not yet serving the term the directory
 * already shows: its own watch is behind the directory's, or it is still loading its
 * state.</li>
 * <li>Neither a refused connection nor a refusal means the call ran (a node refuses
 * before it does any of the call's work), so sending it again cannot run it twice.</li>
 * <li>A call whose effect is unknown (it timed out, or its connection broke after it was
 * sent) is sent again, as after a refused connection, only if it is marked
 * {@linkplain #idempotent() idempotent}.</li>
 * </ul>
 * It goes on until a node serves the call or {@code awaitActive} has passed since the
 * first refusal or failure; then the caller gets the last refusal or failure.
 * <p>
 * Threads: it waits on the caller's thread, as the call itself does.
 *
 * @since 0.3.0
 */
public final class ActiveRouting implements ClientHttpRequestInterceptor {

	/**
	 * The request attribute that marks a call safe to send twice; see
	 * {@link #idempotent()}.
	 */
	public static final String IDEMPOTENT_ATTRIBUTE = ActiveRouting.class.getName() + ".idempotent";

	private static final Log logger = LogFactory.getLog(ActiveRouting.class);

	private static final Duration FIRST_PAUSE = Duration.ofMillis(10);

	private static final Duration LAST_PAUSE = Duration.ofMillis(200);

	private final RoleDirectory directory;

	private final Duration awaitActive;

	private final boolean resolve;

	/**
	 * @param directory the roles and their actives
	 * @param awaitActive how long a call waits for an active before it is sent, and how
	 * long it goes on being sent again after its first refusal or failure
	 * @param resolve whether to put the active's address in the URI; {@code false} when a
	 * load balancer further down the chain resolves the role's name
	 */
	public ActiveRouting(RoleDirectory directory, Duration awaitActive, boolean resolve) {
		this.directory = directory;
		this.awaitActive = awaitActive;
		this.resolve = resolve;
	}

	/**
	 * This routing, leaving the role's name for a load balancer to resolve.
	 * @return a routing that does not resolve
	 */
	public ActiveRouting leavingResolutionToLoadBalancer() {
		return new ActiveRouting(this.directory, this.awaitActive, false);
	}

	/**
	 * Whether this routing puts the active's address in the URI itself.
	 * @return {@code true} if it resolves the role's name
	 */
	public boolean isResolving() {
		return this.resolve;
	}

	/**
	 * Marks a call as safe to send twice, so that it is retried on the next active even
	 * when its effect is unknown:
	 * {@code restClient.post().uri(...).attributes(idempotent())}.
	 * @return the marker, for {@code RestClient.RequestHeadersSpec#attributes}
	 */
	public static Consumer<Map<String, Object>> idempotent() {
		return (attributes) -> attributes.put(IDEMPOTENT_ATTRIBUTE, Boolean.TRUE);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String host = request.getURI().getHost();
		Optional<String> role = (host != null) ? this.directory.role(host) : Optional.empty();
		if (role.isEmpty()) {
			return execution.execute(request, body);
		}
		ActiveMember target = await(() -> this.directory.awaitActive(role.get(), this.awaitActive))
			.orElseThrow(() -> new NoActiveException(role.get(), this.awaitActive));
		long deadline = 0;
		Duration pause = FIRST_PAUSE;
		while (true) {
			ClientHttpResponse response;
			try {
				response = execution.execute(routed(request, role.get(), target), body);
			}
			catch (IOException ex) {
				if (!retriable(ex, request)) {
					throw ex;
				}
				deadline = (deadline != 0) ? deadline : System.nanoTime() + this.awaitActive.toNanos();
				ActiveMember failed = target;
				Duration left = left(deadline);
				ActiveMember next = await(() -> this.directory.awaitNewActive(failed, left)).orElse(null);
				if (next == null) {
					throw ex;
				}
				logger.debug("Calling " + next + " after " + failed + " failed: " + ex);
				target = next;
				continue;
			}
			if (!StandbyRefusal.isRefusal(response)) {
				return response;
			}
			deadline = (deadline != 0) ? deadline : System.nanoTime() + this.awaitActive.toNanos();
			ActiveMember next = afterRefusal(target, pause, deadline);
			if (next == null) {
				return response;
			}
			response.close();
			logger.debug("Calling " + next + " after " + target + " answered it is not active");
			target = next;
			pause = (pause.multipliedBy(2).compareTo(LAST_PAUSE) < 0) ? pause.multipliedBy(2) : LAST_PAUSE;
		}
	}

	/**
	 * The node to send a refused call to: the directory's next active as soon as it names
	 * one, else, after {@code pause}, the active it names then (the same node, which may
	 * have been activating); {@code null} once the deadline has passed.
	 */
	private @Nullable ActiveMember afterRefusal(ActiveMember refusing, Duration pause, long deadline)
			throws InterruptedIOException {
		Duration left = left(deadline);
		if (left.isZero()) {
			return null;
		}
		Duration wait = (pause.compareTo(left) < 0) ? pause : left;
		Optional<ActiveMember> next = await(() -> this.directory.awaitNewActive(refusing, wait));
		if (next.isPresent()) {
			return next.get();
		}
		return await(() -> this.directory.awaitActive(refusing.role(), left(deadline))).orElse(null);
	}

	private static Duration left(long deadline) {
		long left = deadline - System.nanoTime();
		return (left > 0) ? Duration.ofNanos(left) : Duration.ZERO;
	}

	/**
	 * The call as sent: to the active's address, or, when a load balancer resolves the
	 * role's name, to the role's name as the directory follows it (the load balancer's
	 * per-role configuration is registered under that spelling).
	 */
	private HttpRequest routed(HttpRequest request, String role, ActiveMember active) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromUri(request.getURI());
		if (this.resolve) {
			uri.host(host(active)).port(port(active));
		}
		else {
			uri.host(role);
		}
		URI routed = uri.build(true).toUri();
		// by their text: URI.equals ignores the host's case, which the load balancer does
		// not
		if (routed.toString().equals(request.getURI().toString())) {
			return request;
		}
		return new HttpRequestWrapper(request) {

			@Override
			public URI getURI() {
				return routed;
			}

		};
	}

	private static String host(ActiveMember active) {
		String address = active.address();
		int colon = address.lastIndexOf(':');
		return (colon > 0) ? address.substring(0, colon) : address;
	}

	private static int port(ActiveMember active) {
		String address = active.address();
		int colon = address.lastIndexOf(':');
		try {
			return (colon > 0 && !address.endsWith("]")) ? Integer.parseInt(address.substring(colon + 1)) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * Whether a failed call may be sent again: always when it never reached the node (the
	 * connection was refused or could not be made in time), otherwise only when it is
	 * marked idempotent.
	 */
	private static boolean retriable(IOException failure, HttpRequest request) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
				return true;
			}
		}
		return Boolean.TRUE.equals(request.getAttributes().get(IDEMPOTENT_ATTRIBUTE));
	}

	private static Optional<ActiveMember> await(Wait wait) throws InterruptedIOException {
		try {
			return wait.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while waiting for the role directory");
		}
	}

	@FunctionalInterface
	private interface Wait {

		Optional<ActiveMember> await() throws InterruptedException;

	}

	/**
	 * No active node was known for a role within the wait: the call was not sent.
	 */
	public static final class NoActiveException extends IOException {

		NoActiveException(String role, Duration waited) {
			super("No active node of role " + role + " in " + waited.toMillis() + " ms: the call was not sent."
					+ " Check that the role's nodes run and reach etcd (their sessions show in the role directory),"
					+ " or raise ha.directory.await-active");
		}

	}

}
