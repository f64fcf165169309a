package io.github.coordinatorha.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Sends a call again, through the next member round robin picks, when a member refused it
 * with "etcdserver: no leader" before answering anything.
 * <p>
 * A member cut off from the majority while clients still reach it refuses every call that
 * requires a leader (the client sends {@code hasleader} on every call), and round robin
 * hands it one call in three of a three-member cluster. A session opens with four calls
 * in a row, so without this every opening reaches that member once and fails, for as long
 * as the member stays cut off. etcd checks for a leader before it runs the call (and
 * forwards a keepalive only to a leader), so a refused call did nothing and is safe to
 * send again, a write included. Any other failure, or one after the member answered
 * anything, reaches the caller as it came.
 */
final class NoLeaderRetry implements ClientInterceptor {

	private static final String NO_LEADER = "etcdserver: no leader";

	/**
	 * A stream whose member has not answered after this many messages is no longer sent
	 * again: its messages are not kept any longer.
	 */
	private static final int MAX_KEPT_MESSAGES = 16;

	private final int retries;

	/**
	 * A retry for each member but the first one tried.
	 * @param members the number of etcd endpoints
	 */
	NoLeaderRetry(int members) {
		this.retries = Math.max(0, members - 1);
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
		if (this.retries == 0) {
			return next.newCall(method, callOptions);
		}
		return new RetryingCall<>(method, callOptions, next, this.retries);
	}

	static boolean isNoLeader(Status status) {
		return status.getCode() == Status.Code.UNAVAILABLE && NO_LEADER.equals(status.getDescription());
	}

	/**
	 * One call as the caller sees it, made of one attempt per member tried. What the
	 * caller did is kept until the member answers, so that the next attempt replays it.
	 */
	private static final class RetryingCall<Q, R> extends ClientCall<Q, R> {

		private final MethodDescriptor<Q, R> method;

		private final CallOptions callOptions;

		private final Channel next;

		private final Object lock = new Object();

		private int retriesLeft;

		// set by start, which gRPC calls before anything else

		private @Nullable ClientCall<Q, R> attempt;

		private @Nullable Listener<R> listener;

		private @Nullable Metadata headers;

		private int requested;

		private final List<Q> messages = new ArrayList<>();

		private boolean halfClosed;

		/**
		 * Whether the call can no longer be sent again: the member answered, the caller
		 * cancelled, or too many messages went out to keep them.
		 */
		private boolean committed;

		RetryingCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next, int retries) {
			this.method = method;
			this.callOptions = callOptions;
			this.next = next;
			this.retriesLeft = retries;
		}

		@Override
		public void start(Listener<R> listener, Metadata headers) {
			synchronized (this.lock) {
				this.listener = listener;
				this.headers = headers;
				ClientCall<Q, R> first = this.next.newCall(this.method, this.callOptions);
				this.attempt = first;
				first.start(new AttemptListener(first), copy(headers));
			}
		}

		@Override
		public void request(int count) {
			synchronized (this.lock) {
				this.requested += count;
				attempt().request(count);
			}
		}

		@Override
		public void sendMessage(Q message) {
			synchronized (this.lock) {
				if (!this.committed) {
					this.messages.add(message);
					if (this.messages.size() > MAX_KEPT_MESSAGES) {
						commit();
					}
				}
				attempt().sendMessage(message);
			}
		}

		@Override
		public void halfClose() {
			synchronized (this.lock) {
				this.halfClosed = true;
				attempt().halfClose();
			}
		}

		@Override
		public void cancel(String message, Throwable cause) {
			synchronized (this.lock) {
				commit();
				if (this.attempt != null) {
					this.attempt.cancel(message, cause);
				}
			}
		}

		@Override
		public boolean isReady() {
			synchronized (this.lock) {
				return attempt().isReady();
			}
		}

		@Override
		public void setMessageCompression(boolean enabled) {
			synchronized (this.lock) {
				attempt().setMessageCompression(enabled);
			}
		}

		private ClientCall<Q, R> attempt() {
			Assert.state(this.attempt != null, "The call has not started");
			return this.attempt;
		}

		private Listener<R> listener() {
			Assert.state(this.listener != null, "The call has not started");
			return this.listener;
		}

		private Metadata headers() {
			Assert.state(this.headers != null, "The call has not started");
			return this.headers;
		}

		private void commit() {
			this.committed = true;
			this.messages.clear();
		}

		/**
		 * Starts the next attempt if the one that ended may be sent again.
		 * @return whether it was
		 */
		private boolean retried(ClientCall<Q, R> ended, Status status) {
			synchronized (this.lock) {
				if (ended != this.attempt) {
					// an attempt already replaced: its end is no news to the caller
					return true;
				}
				if (this.committed || this.retriesLeft == 0 || !isNoLeader(status)) {
					return false;
				}
				this.retriesLeft--;
				ClientCall<Q, R> again = this.next.newCall(this.method, this.callOptions);
				this.attempt = again;
				again.start(new AttemptListener(again), copy(headers()));
				if (this.requested > 0) {
					again.request(this.requested);
				}
				this.messages.forEach(again::sendMessage);
				if (this.halfClosed) {
					again.halfClose();
				}
				return true;
			}
		}

		private void answered() {
			synchronized (this.lock) {
				commit();
			}
		}

		private static Metadata copy(Metadata headers) {
			// every attempt gets headers of its own: the interceptors after this one add
			// theirs
			Metadata copy = new Metadata();
			copy.merge(headers);
			return copy;
		}

		/**
		 * Hands what one attempt's member answered to the caller, unless the attempt is
		 * sent again.
		 */
		private final class AttemptListener extends Listener<R> {

			private final ClientCall<Q, R> call;

			AttemptListener(ClientCall<Q, R> call) {
				this.call = call;
			}

			@Override
			public void onHeaders(Metadata headers) {
				answered();
				RetryingCall.this.listener().onHeaders(headers);
			}

			@Override
			public void onMessage(R message) {
				answered();
				RetryingCall.this.listener().onMessage(message);
			}

			@Override
			public void onClose(Status status, Metadata trailers) {
				if (!retried(this.call, status)) {
					RetryingCall.this.listener().onClose(status, trailers);
				}
			}

			@Override
			public void onReady() {
				synchronized (RetryingCall.this.lock) {
					if (this.call != RetryingCall.this.attempt) {
						return;
					}
				}
				RetryingCall.this.listener().onReady();
			}

		}

	}

}
