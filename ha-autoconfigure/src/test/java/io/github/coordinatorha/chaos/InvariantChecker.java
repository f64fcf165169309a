package io.github.coordinatorha.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads every journal of a chaos run and checks the invariant: no two ACTIVE intervals of
 * the role overlap, the fenced counter never repeats or goes backwards, and no
 * acknowledged write is lost.
 */
final class InvariantChecker {

	private final List<Interval> intervals = new ArrayList<>();

	private final List<Write> acknowledged = new ArrayList<>();

	private int refused;

	private int unknown;

	/**
	 * One ACTIVE interval of one process, on the shared monotonic clock.
	 */
	record Interval(String node, long start, long end) {
	}

	/**
	 * One acknowledged guarded write.
	 */
	record Write(String node, long token, long value, long at) {
	}

	/**
	 * What the checker found.
	 */
	record Result(int intervals, int overlaps, List<String> overlapDetails, int acknowledgedWrites,
			int repeatedOrBackwards, int lostWrites, int refusedWrites, int unknownWrites, long longestGapMillis) {

		boolean holds() {
			return this.overlaps == 0 && this.repeatedOrBackwards == 0 && this.lostWrites == 0;
		}

	}

	/**
	 * Reads one journal.
	 * @param file the journal
	 * @return this checker
	 */
	InvariantChecker read(Path file) {
		String node = file.getFileName().toString();
		List<String> lines;
		try {
			lines = Files.readAllLines(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Long start = null;
		for (String line : lines) {
			String[] field = line.split(" ");
			switch (field[0]) {
				case "A" -> start = Long.parseLong(field[2]);
				case "S" -> {
					if (start != null) {
						this.intervals.add(new Interval(node, start, Long.parseLong(field[2])));
						start = null;
					}
				}
				case "X" -> {
					if (start != null) {
						// killed while ACTIVE: it may have said so until the kill
						this.intervals.add(new Interval(node, start, Long.parseLong(field[1])));
						start = null;
					}
				}
				case "W" -> this.acknowledged
					.add(new Write(node, Long.parseLong(field[2]), Long.parseLong(field[3]), Long.parseLong(field[4])));
				case "R" -> this.refused++;
				case "U" -> this.unknown++;
				default -> {
					// "H": heartbeats serve tests reading a live journal; or a torn last
					// line
				}
			}
		}
		if (start != null) {
			throw new IllegalStateException(
					node + " ends ACTIVE without a stop or a kill mark: the run did not stop it");
		}
		return this;
	}

	/**
	 * Checks everything read.
	 * @param finalCounter the counter's value in etcd at the end
	 * @return the result
	 */
	Result check(long finalCounter) {
		List<Interval> sorted = new ArrayList<>(this.intervals);
		sorted.sort(Comparator.comparingLong(Interval::start));
		List<String> overlaps = new ArrayList<>();
		long longestGap = 0;
		Interval latest = null;
		for (Interval interval : sorted) {
			if (latest != null) {
				if (interval.start() < latest.end()) {
					overlaps.add(latest + " overlaps " + interval + " by " + (latest.end() - interval.start()) / 1_000
							+ " µs");
				}
				else {
					longestGap = Math.max(longestGap, interval.start() - latest.end());
				}
			}
			if (latest == null || interval.end() > latest.end()) {
				latest = interval;
			}
		}
		List<Write> byTerm = new ArrayList<>(this.acknowledged);
		byTerm.sort(Comparator.comparingLong(Write::token).thenComparingLong(Write::at));
		int backwards = 0;
		Set<Long> seen = new HashSet<>();
		long highest = 0;
		for (Write write : byTerm) {
			if (!seen.add(write.value()) || write.value() <= highest) {
				backwards++;
			}
			highest = Math.max(highest, write.value());
		}
		int lost = (int) this.acknowledged.stream().filter((write) -> write.value() > finalCounter).count();
		return new Result(sorted.size(), overlaps.size(), overlaps, this.acknowledged.size(), backwards, lost,
				this.refused, this.unknown, longestGap / 1_000_000);
	}

}
