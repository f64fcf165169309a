package io.github.coordinatorha.chaos;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.NotActiveException;

/**
 * Writes to a {@link FencedFile} every 50 ms while this node holds the role, under the
 * term's token, as an application that hands its token to a database does. When the store
 * refuses a token (it has accepted a higher one: etcd's history went back with no node
 * left that remembers), the writer tells the election
 * ({@link ActiveStandby#tokenRefused}) and writes again only under another token. It
 * journals each write accepted ({@code FA token t}) or refused
 * ({@code FR token highest t}).
 */
final class FencedStoreWriter extends LoopThread {

	private final ActiveStandby activeStandby;

	private final FencedFile store;

	private final Journal journal;

	private final String role;

	FencedStoreWriter(ActiveStandby activeStandby, FencedFile store, Journal journal, String role) {
		super("chaos-fenced-store");
		this.activeStandby = activeStandby;
		this.store = store;
		this.journal = journal;
		this.role = role;
	}

	@Override
	void loop() {
		FencingToken refused = null;
		while (running()) {
			FencingToken token = token();
			if (token != null && !Objects.equals(token, refused)) {
				FencedFile.Outcome outcome = this.store.write(token.value());
				if (outcome.accepted()) {
					this.journal.append("FA", token.value(), System.nanoTime());
				}
				else {
					this.journal.append("FR", token.value(), outcome.highest(), System.nanoTime());
					refused = token;
					this.activeStandby.tokenRefused(token, outcome.highest());
				}
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
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
