package io.github.coordinatorha.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.ActiveOnlyContext;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.FencingToken;

/**
 * A long {@code @ActiveOnly} call, as a batch job is: for the given time it writes to one
 * key every 100 ms, each write guarded by the token the call was admitted with. It
 * journals {@code L+ token t} when it starts, each write acknowledged ({@code LW token i
 * t}), refused ({@code LR}) or unanswered ({@code LU}), and {@code L- token t} when it
 * ends.
 */
class LongCall {

	private static final long TIMEOUT_MILLIS = 1000;

	private final ActiveStandby activeStandby;

	private final Client client;

	private final Journal journal;

	private final ByteSequence key;

	LongCall(ActiveStandby activeStandby, Client client, Journal journal, String key) {
		this.activeStandby = activeStandby;
		this.client = client;
		this.journal = journal;
		this.key = ByteSequence.from(key, StandardCharsets.UTF_8);
	}

	/**
	 * Runs for {@code duration}, or not at all on a standby.
	 * @return {@code true} if it ran
	 */
	@ActiveOnly(DisasterNode.ROLE)
	public boolean run(Duration duration) {
		FencingToken token = ActiveOnlyContext.fencingToken();
		long start = System.nanoTime();
		this.journal.append("L+", token.value(), start);
		for (int i = 1; System.nanoTime() - start < duration.toNanos(); i++) {
			write(token, i);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
		}
		this.journal.append("L-", token.value(), System.nanoTime());
		return true;
	}

	private void write(FencingToken token, int i) {
		try {
			TxnResponse response = this.client.getKVClient()
				.txn()
				.If(this.activeStandby.fencingGuard(token), this.activeStandby.epochGuard(token))
				.Then(Op.put(this.key, ByteSequence.from(token.value() + ":" + i, StandardCharsets.UTF_8),
						PutOption.DEFAULT))
				.commit()
				.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
			this.journal.append(response.isSucceeded() ? "LW" : "LR", token.value(), i, System.nanoTime());
		}
		catch (Exception ex) {
			// no answer in time, or none at all
			this.journal.append("LU", token.value(), i, System.nanoTime());
		}
	}

}
