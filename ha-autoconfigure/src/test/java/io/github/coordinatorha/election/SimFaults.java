package io.github.coordinatorha.election;

import java.util.Random;

/**
 * What can go wrong between one simulated node and etcd, with what probability: the
 * choices are drawn from the world's random source when they come up.
 *
 * @param latency one-way network delay, drawn per message
 * @param requestLoss the probability that a request never reaches etcd
 * @param answerLoss the probability that the answer to a request etcd carried out never
 * comes back (the request took effect; the node sees no answer)
 * @param watchLag the probability, per response a watch sends, that the watcher then
 * falls behind, sending nothing for a while and everything missed at once (or ending
 * {@code COMPACTED} if a compaction came first)
 * @param watchLagMaxNanos the longest such lag
 * @param watchBreakMeanNanos the mean time between breaks of a watch stream (it ends
 * {@code FAILED}), {@code 0} for never
 * @param silentStreamTimeoutNanos how long streams stay open after the node is cut off
 * silently before the client notices (jetcd's gRPC keepalive: 30 s + 10 s)
 */
record SimFaults(Latency latency, double requestLoss, double answerLoss, double watchLag, long watchLagMaxNanos,
		long watchBreakMeanNanos, long silentStreamTimeoutNanos) {

	private static final long MILLI = 1_000_000L;

	private static final long SECOND = 1_000_000_000L;

	/**
	 * No faults: every message takes 1 ms.
	 * @return the faults
	 */
	static SimFaults none() {
		return new SimFaults(Latency.fixed(MILLI), 0, 0, 0, 0, 0, 40 * SECOND);
	}

	/**
	 * A poor network: 0.5 to 5 ms, one message in 200 delayed by up to 3 s; one request
	 * in 100 lost, one answer in 100 lost; watchers lag after one response in 50 for up
	 * to 2 s; a watch stream breaks every 2 minutes on average.
	 * @return the faults
	 */
	static SimFaults flaky() {
		return new SimFaults(new Latency(MILLI / 2, 5 * MILLI, 0.005, 3 * SECOND), 0.01, 0.01, 0.02, 2 * SECOND,
				120 * SECOND, 40 * SECOND);
	}

	SimFaults withLatency(Latency latency) {
		return new SimFaults(latency, this.requestLoss, this.answerLoss, this.watchLag, this.watchLagMaxNanos,
				this.watchBreakMeanNanos, this.silentStreamTimeoutNanos);
	}

	SimFaults withLoss(double requestLoss, double answerLoss) {
		return new SimFaults(this.latency, requestLoss, answerLoss, this.watchLag, this.watchLagMaxNanos,
				this.watchBreakMeanNanos, this.silentStreamTimeoutNanos);
	}

	SimFaults withWatchLag(double watchLag, long watchLagMaxNanos) {
		return new SimFaults(this.latency, this.requestLoss, this.answerLoss, watchLag, watchLagMaxNanos,
				this.watchBreakMeanNanos, this.silentStreamTimeoutNanos);
	}

	SimFaults withWatchBreaks(long watchBreakMeanNanos) {
		return new SimFaults(this.latency, this.requestLoss, this.answerLoss, this.watchLag, this.watchLagMaxNanos,
				watchBreakMeanNanos, this.silentStreamTimeoutNanos);
	}

	SimFaults withSilentStreamTimeout(long silentStreamTimeoutNanos) {
		return new SimFaults(this.latency, this.requestLoss, this.answerLoss, this.watchLag, this.watchLagMaxNanos,
				this.watchBreakMeanNanos, silentStreamTimeoutNanos);
	}

	/**
	 * A distribution of one-way delays: uniform between a minimum and a maximum, and with
	 * a small probability a slow message, uniform between the maximum and a tail maximum.
	 *
	 * @param minNanos the shortest delay
	 * @param maxNanos the longest usual delay
	 * @param tailProbability the probability of a slow message
	 * @param tailMaxNanos the longest delay of a slow message
	 */
	record Latency(long minNanos, long maxNanos, double tailProbability, long tailMaxNanos) {

		Latency {
			if (minNanos < 0 || maxNanos < minNanos || (tailProbability > 0 && tailMaxNanos < maxNanos)) {
				throw new IllegalArgumentException("A latency needs 0 <= min <= max <= tail max");
			}
		}

		static Latency fixed(long nanos) {
			return new Latency(nanos, nanos, 0, nanos);
		}

		static Latency uniform(long minNanos, long maxNanos) {
			return new Latency(minNanos, maxNanos, 0, maxNanos);
		}

		Latency withTail(double probability, long maxNanos) {
			return new Latency(this.minNanos, this.maxNanos, probability, maxNanos);
		}

		long sample(Random random) {
			if (this.tailProbability > 0 && random.nextDouble() < this.tailProbability) {
				return this.maxNanos + (long) (random.nextDouble() * (this.tailMaxNanos - this.maxNanos));
			}
			if (this.maxNanos == this.minNanos) {
				return this.minNanos;
			}
			return this.minNanos + (long) (random.nextDouble() * (this.maxNanos - this.minNanos));
		}

	}

}
