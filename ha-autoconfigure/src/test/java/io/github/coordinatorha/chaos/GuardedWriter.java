package io.github.coordinatorha.chaos;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.NotActiveException;

/**
 * Increments a counter in etcd every 10 ms while this node holds the role, each increment
 * guarded by the fencing token of the term in which the node read the counter. It checks
 * nothing else between writes and, after a write without an answer, carries on in the
 * same term, as a careless application would: only the fencing guard keeps a deposed node
 * from winning.
 */
final class GuardedWriter extends LoopThread {

	private static final long TIMEOUT_MILLIS = 1000;

	private final ActiveStandby activeStandby;

	private final Client client;

	private final Journal journal;

	private final String role;

	private final ByteSequence counter;

	GuardedWriter(ActiveStandby activeStandby, Client client, Journal journal, String role, String counterKey) {
		super("chaos-writer");
		this.activeStandby = activeStandby;
		this.client = client;
		this.journal = journal;
		this.role = role;
		this.counter = ByteSequence.from(counterKey, StandardCharsets.UTF_8);
	}

	@Override
	void loop() {
		FencingToken token = null;
		while (running()) {
			if (token == null) {
				token = token();
			}
			if (token == null) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
				continue;
			}
			try {
				writeInTerm(token);
				token = null;
			}
			catch (Exception ex) {
				// no answer in time: keep writing in the same term until etcd refuses
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			}
		}
	}

	/**
	 * Writes with one term's token until the guard refuses a write.
	 */
	private void writeInTerm(FencingToken token) throws Exception {
		KeyValue current = this.client.getKVClient()
			.get(this.counter, GetOption.DEFAULT)
			.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
			.getKvs()
			.stream()
			.findFirst()
			.orElse(null);
		long value = (current != null) ? Long.parseLong(current.getValue().toString(StandardCharsets.UTF_8)) : 0;
		long modRevision = (current != null) ? current.getModRevision() : 0;
		while (running()) {
			long next = value + 1;
			Cmp unchanged = new Cmp(this.counter, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
			TxnResponse response;
			try {
				response = this.client.getKVClient()
					.txn()
					.If(this.activeStandby.fencingGuard(token), this.activeStandby.epochGuard(token), unchanged)
					.Then(Op.put(this.counter, ByteSequence.from(Long.toString(next), StandardCharsets.UTF_8),
							PutOption.DEFAULT))
					.commit()
					.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				this.journal.append("U", this.role, token.value(), next, System.nanoTime());
				throw ex;
			}
			if (!response.isSucceeded()) {
				this.journal.append("R", this.role, token.value(), next, System.nanoTime());
				return;
			}
			this.journal.append("W", this.role, token.value(), next, System.nanoTime());
			value = next;
			modRevision = response.getHeader().getRevision();
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

	private FencingToken token() {
		try {
			return this.activeStandby.fencingToken(this.role);
		}
		catch (NotActiveException ex) {
			return null;
		}
	}

}
