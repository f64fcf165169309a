package io.github.coordinatorha.election;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * The {@link EtcdGateway} on a real etcd, through jetcd. Every call gets the request
 * timeout as its deadline (jetcd's futures carry none), and every failure becomes an
 * {@link EtcdFailure} whose description names the endpoints and the fix.
 */
final class JetcdGateway implements EtcdGateway {

	private final KV kv;

	private final Lease leases;

	private final Watch watches;

	private final io.etcd.jetcd.Maintenance maintenance;

	private final Duration requestTimeout;

	private final String endpoints;

	/**
	 * Creates the gateway.
	 * @param client the jetcd client
	 * @param requestTimeout the deadline of every call
	 * @param endpoints the endpoints, as configured, for messages
	 */
	JetcdGateway(Client client, Duration requestTimeout, String endpoints) {
		this.kv = client.getKVClient();
		this.leases = client.getLeaseClient();
		this.watches = client.getWatchClient();
		this.maintenance = client.getMaintenanceClient();
		this.requestTimeout = requestTimeout;
		this.endpoints = endpoints;
	}

	@Override
	public CompletableFuture<Range> get(String key, @Nullable String rangeEnd) {
		GetOption option = (rangeEnd != null) ? GetOption.builder().withRange(bytes(rangeEnd)).build()
				: GetOption.DEFAULT;
		return bounded(this.kv.get(bytes(key), option), this.requestTimeout)
			.thenApply((response) -> new Range(header(response), keyValues(response.getKvs())));
	}

	@Override
	public CompletableFuture<TxnResult> txn(Txn txn) {
		Cmp[] when = txn.when().stream().map(JetcdGateway::cmp).toArray(Cmp[]::new);
		Op[] then = txn.then().stream().map(JetcdGateway::op).toArray(Op[]::new);
		Op[] otherwise = txn.otherwise().stream().map(JetcdGateway::op).toArray(Op[]::new);
		return bounded(this.kv.txn().If(when).Then(then).Else(otherwise).commit(), this.requestTimeout)
			.thenApply((response) -> new TxnResult(header(response), response.isSucceeded(),
					response.getGetResponses().stream().flatMap((get) -> keyValues(get.getKvs()).stream()).toList()));
	}

	@Override
	public CompletableFuture<LeaseGrant> grant(long ttlSeconds) {
		return bounded(this.leases.grant(ttlSeconds), this.requestTimeout)
			.thenApply((response) -> new LeaseGrant(header(response), response.getID(), response.getTTL()));
	}

	@Override
	public CompletableFuture<LeaseRenewal> keepAliveOnce(long leaseId, Duration timeout) {
		return bounded(this.leases.keepAliveOnce(leaseId), timeout)
			.thenApply((response) -> new LeaseRenewal(header(response), response.getTTL()));
	}

	@Override
	public CompletableFuture<Header> revoke(long leaseId) {
		return bounded(this.leases.revoke(leaseId), this.requestTimeout).thenApply(JetcdGateway::header);
	}

	@Override
	public CompletableFuture<@Nullable String> serverVersion() {
		String first = this.endpoints.split(",")[0].strip();
		return bounded(this.maintenance.statusMember(first), this.requestTimeout)
			.<@Nullable String>thenApply((status) -> status.getVersion())
			.exceptionally((failure) -> null);
	}

	@Override
	public Watching watch(String key, String rangeEnd, long fromRevision, WatchListener listener) {
		WatchOption option = WatchOption.builder().withRange(bytes(rangeEnd)).withRevision(fromRevision).build();
		AtomicBoolean ended = new AtomicBoolean();
		AtomicReference<Watch.Watcher> watcher = new AtomicReference<>();
		Runnable end = () -> {
			Watch.Watcher running = watcher.get();
			if (running != null) {
				running.close();
			}
		};
		watcher.set(this.watches.watch(bytes(key), option, Watch.listener((WatchResponse response) -> {
			if (!ended.get()) {
				listener.onEvents(header(response),
						response.getEvents()
							.stream()
							.map((event) -> new WatchEvent(
									event.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE,
									keyValue(event.getKeyValue())))
							.toList());
			}
		}, (error) -> {
			// jetcd would resume on its own after some errors; the engine reads again
			// instead.
			if (ended.compareAndSet(false, true)) {
				end.run();
				listener.onEnded((error instanceof CompactedException)
						? new EtcdFailure(EtcdFailure.Kind.COMPACTED, "required revision has been compacted")
						: failure(error));
			}
		}, () -> {
			if (ended.compareAndSet(false, true)) {
				listener.onEnded(new EtcdFailure(EtcdFailure.Kind.FAILED, "closed by etcd"));
			}
		})));
		if (ended.get()) {
			// it ended before it was known: jetcd would otherwise resume it on its own
			end.run();
		}
		return () -> {
			ended.set(true);
			end.run();
		};
	}

	private <T> CompletableFuture<T> bounded(CompletableFuture<T> call, Duration timeout) {
		CompletableFuture<T> answer = new CompletableFuture<>();
		call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
			if (error == null) {
				answer.complete(value);
			}
			else {
				answer.completeExceptionally(failure(error));
			}
		});
		return answer;
	}

	private EtcdFailure failure(Throwable error) {
		Throwable cause = unwrap(error);
		if (cause instanceof EtcdFailure etcd) {
			return etcd;
		}
		if (cause instanceof TimeoutException) {
			return new EtcdFailure(EtcdFailure.Kind.NO_ANSWER,
					"etcd at " + this.endpoints + " did not answer in time (ha.etcd.request-timeout)");
		}
		String message = String.valueOf(cause.getMessage());
		// jetcd reports it as an EtcdException (keepalives) or a gRPC NOT_FOUND (txn,
		// revoke)
		if (message.contains("requested lease not found")) {
			return new EtcdFailure(EtcdFailure.Kind.LEASE_NOT_FOUND, "etcd no longer knows the lease");
		}
		return new EtcdFailure(EtcdFailure.Kind.FAILED, describe(cause));
	}

	/**
	 * A short description of a failure for a log line or a status: no stack, no
	 * credentials, and the fix where one is known.
	 */
	private String describe(Throwable cause) {
		Status.Code code = Status.fromThrowable(cause).getCode();
		String message = String.valueOf(cause.getMessage());
		if (code == Status.Code.UNAUTHENTICATED) {
			return "etcd refused the credentials: authentication failed (check ha.etcd.username and ha.etcd.password)";
		}
		if (code == Status.Code.PERMISSION_DENIED || message.contains("permission denied")) {
			return "etcd denied permission: the user's role needs readwrite on the prefix of ha.etcd.root-path";
		}
		String tls = tlsProblem(cause);
		if (tls != null) {
			return tls;
		}
		if (code == Status.Code.UNAVAILABLE) {
			return "etcd at " + this.endpoints + " cannot be reached (" + message
					+ "): check that etcd runs there and that ha.etcd.endpoints names it";
		}
		if (cause instanceof EtcdException etcd) {
			return "etcd error " + etcd.getErrorCode() + ": " + message;
		}
		return cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + message : "");
	}

	private static @Nullable String tlsProblem(Throwable failure) {
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

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	static Cmp cmp(Compare compare) {
		ByteSequence key = bytes(compare.key());
		Cmp.Op op = switch (compare.operator()) {
			case EQUAL -> Cmp.Op.EQUAL;
			case NOT_EQUAL -> Cmp.Op.NOT_EQUAL;
			case GREATER -> Cmp.Op.GREATER;
			case LESS -> Cmp.Op.LESS;
		};
		CmpTarget<?> target = switch (compare.target()) {
			case CREATE_REVISION -> CmpTarget.createRevision(compare.number());
			case MOD_REVISION -> CmpTarget.modRevision(compare.number());
			case VERSION -> CmpTarget.version(compare.number());
			case VALUE -> CmpTarget.value(bytes(String.valueOf(compare.value())));
		};
		return new Cmp(key, op, target);
	}

	private static Op op(Operation operation) {
		if (operation instanceof Operation.Put put) {
			PutOption option = (put.leaseId() != 0) ? PutOption.builder().withLeaseId(put.leaseId()).build()
					: PutOption.DEFAULT;
			return Op.put(bytes(put.key()), bytes(put.value()), option);
		}
		if (operation instanceof Operation.Delete delete) {
			return Op.delete(bytes(delete.key()), DeleteOption.DEFAULT);
		}
		return Op.get(bytes(((Operation.Get) operation).key()), GetOption.DEFAULT);
	}

	private static Header header(Response response) {
		Response.Header header = response.getHeader();
		return new Header(header.getRevision(), header.getRaftTerm(), header.getMemberId(), header.getClusterId());
	}

	private static List<KeyValue> keyValues(List<io.etcd.jetcd.KeyValue> keyValues) {
		return keyValues.stream().map(JetcdGateway::keyValue).toList();
	}

	private static KeyValue keyValue(io.etcd.jetcd.KeyValue keyValue) {
		return new KeyValue(string(keyValue.getKey()), string(keyValue.getValue()), keyValue.getCreateRevision(),
				keyValue.getModRevision(), keyValue.getVersion(), keyValue.getLease());
	}

	static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

	private static String string(ByteSequence value) {
		return value.toString(StandardCharsets.UTF_8);
	}

}
