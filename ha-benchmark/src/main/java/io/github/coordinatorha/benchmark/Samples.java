package io.github.coordinatorha.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Latencies of one measurement, in milliseconds.
 */
final class Samples {

	final String name;

	private final List<Double> millis = new ArrayList<>();

	Samples(String name) {
		this.name = name;
	}

	void addNanos(long nanos) {
		this.millis.add(nanos / 1_000_000.0);
	}

	int count() {
		return this.millis.size();
	}

	List<Double> values() {
		List<Double> sorted = new ArrayList<>(this.millis);
		Collections.sort(sorted);
		return sorted;
	}

	double percentile(double p) {
		List<Double> sorted = values();
		if (sorted.isEmpty()) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

	double median() {
		return percentile(50);
	}

	double max() {
		return percentile(100);
	}

}
