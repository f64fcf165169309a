package io.github.coordinatorha.election;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;

/**
 * Small helpers every etcd call goes through: jetcd futures carry no deadline of their
 * own, so each one gets ours.
 */
final class EtcdCalls {

	private EtcdCalls() {
	}

	static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	static String string(ByteSequence value) {
		return value.toString(StandardCharsets.UTF_8);
	}

	static <T> CompletableFuture<T> bounded(CompletableFuture<T> call, Duration timeout) {
		return call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Waits for a call on one of our own threads, never on a jetcd thread.
	 */
	static <T> T await(CompletableFuture<T> call, Duration timeout) throws Exception {
		try {
			return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		catch (TimeoutException ex) {
			call.cancel(false);
			throw new TimeoutException("etcd did not answer within " + timeout);
		}
	}

	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * A short description of a failure for a log line or a status: no stack, no
	 * credentials.
	 */
	static String describe(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof TimeoutException) {
			return "etcd did not answer in time";
		}
		Status.Code code = Status.fromThrowable(cause).getCode();
		if (code == Status.Code.UNAUTHENTICATED) {
			return "etcd refused the credentials: authentication failed (check ha.etcd.username and ha.etcd.password)";
		}
		if (code == Status.Code.PERMISSION_DENIED || String.valueOf(cause.getMessage()).contains("permission denied")) {
			return "etcd denied permission: the user's role needs readwrite on the prefix of ha.etcd.root-path";
		}
		String tls = tlsProblem(cause);
		if (tls != null) {
			return tls;
		}
		String message = cause.getMessage();
		if (cause instanceof EtcdException etcd) {
			return "etcd error " + etcd.getErrorCode() + ": " + message;
		}
		return cause.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private static String tlsProblem(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SSLException) {
				String message = String.valueOf(cause.getMessage());
				if (message.contains("PKIX") || message.contains("certificate_unknown")
						|| message.contains("No subject alternative")) {
					return "etcd's TLS certificate is not trusted (" + message + "): put the CA that signed it in the"
							+ " truststore of the SSL bundle named by ha.etcd.ssl.bundle, and make sure the"
							+ " certificate names the endpoint's host";
				}
				if (message.contains("alert")) {
					return "etcd refused the TLS handshake (" + message + "): for mutual TLS, give the SSL bundle"
							+ " named by ha.etcd.ssl.bundle a client certificate signed by a CA etcd trusts, and its"
							+ " private key";
				}
				if (message.contains("SSL/TLS record")) {
					return "etcd does not speak TLS on that port (" + message + "): use http:// endpoints and no"
							+ " ha.etcd.ssl settings, or enable TLS on etcd";
				}
				return "TLS to etcd failed: " + message;
			}
		}
		return null;
	}

	static boolean isLeaseNotFound(Throwable failure) {
		Throwable cause = unwrap(failure);
		return cause instanceof EtcdException && cause.getMessage() != null
				&& cause.getMessage().contains("requested lease not found");
	}

}
