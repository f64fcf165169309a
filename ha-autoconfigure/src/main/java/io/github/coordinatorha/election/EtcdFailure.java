package io.github.coordinatorha.election;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * Why an etcd call failed, as the engine needs to know it: a description for operators
 * that names the fix where there is one, and the few kinds the engine acts on.
 */
final class EtcdFailure extends RuntimeException {

	private final Kind kind;

	private final String description;

	EtcdFailure(Kind kind, String description) {
		super(description, null, false, false);
		this.kind = kind;
		this.description = description;
	}

	@Override
	public String getMessage() {
		return this.description;
	}

	Kind kind() {
		return this.kind;
	}

	boolean is(Kind kind) {
		return this.kind == kind;
	}

	/**
	 * The failure behind {@code failure} as a future reports it.
	 * @param failure what a future failed with, {@code null} (as a whenComplete callback
	 * sees it) when the future completed without a value
	 * @return the etcd failure
	 */
	static EtcdFailure of(@Nullable Throwable failure) {
		if (failure == null) {
			return new EtcdFailure(Kind.FAILED, "etcd answered with no value");
		}
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof EtcdFailure etcd) {
			return etcd;
		}
		return new EtcdFailure(Kind.FAILED,
				cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : ""));
	}

	/**
	 * What kind of failure it is.
	 */
	enum Kind {

		/**
		 * No answer within the deadline: the call may or may not have taken effect.
		 */
		NO_ANSWER,

		/**
		 * etcd does not know the lease a write was attached to: the session is gone.
		 */
		LEASE_NOT_FOUND,

		/**
		 * A watch's start revision was compacted away: read again, then watch again.
		 */
		COMPACTED,

		/**
		 * Anything else: refused credentials or certificates, an unreachable cluster, a
		 * broken stream. The outcome of a write is unknown.
		 */
		FAILED

	}

}
