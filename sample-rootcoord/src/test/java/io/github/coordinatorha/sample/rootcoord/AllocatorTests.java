package io.github.coordinatorha.sample.rootcoord;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The allocators never hand a value out twice, across reloads as a new active does them.
 */
class AllocatorTests {

	private final MemoryStore store = new MemoryStore();

	@Test
	void idsContinueAboveThePersistedBoundAfterAFailover() throws Exception {
		IdAllocator first = new IdAllocator(this.store);
		first.reload();
		long a = first.allocate(10);
		long b = first.allocate(5);
		assertThat(b).isEqualTo(a + 10);
		IdAllocator second = new IdAllocator(this.store);
		second.reload();
		assertThat(second.allocate(1)).isGreaterThanOrEqualTo(b + 5);
	}

	@Test
	void noIdIsHandedOutWhenTheBoundCannotBePersisted() throws Exception {
		IdAllocator allocator = new IdAllocator(this.store);
		allocator.reload();
		this.store.deposed = true;
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> allocator.allocate(1));
	}

	@Test
	void timestampsIncreaseAcrossAFailoverEvenIfTheClockStepsBack() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimestampOracle first = new TimestampOracle(this.store, clock::get);
		first.reload();
		long t1 = first.allocate(1);
		clock.addAndGet(10);
		long t2 = first.allocate(100);
		assertThat(t2).isGreaterThan(t1);
		clock.set(500_000);
		TimestampOracle second = new TimestampOracle(this.store, clock::get);
		second.reload();
		long t3 = second.allocate(1);
		assertThat(t3).isGreaterThan(t2 + 99);
		assertThat(t3 >> TimestampOracle.LOGICAL_BITS).isGreaterThan(t2 >> TimestampOracle.LOGICAL_BITS);
	}

	@Test
	void timestampsWithinOneMillisecondUseTheLogicalPart() throws Exception {
		AtomicLong clock = new AtomicLong(2_000_000);
		TimestampOracle oracle = new TimestampOracle(this.store, clock::get);
		oracle.reload();
		long t1 = oracle.allocate(3);
		long t2 = oracle.allocate(1);
		assertThat(t2).isEqualTo(t1 + 3);
	}

	static class MemoryStore implements StateStore {

		final Map<String, Long> values = new HashMap<>();

		boolean deposed;

		@Override
		public long load(String name) {
			return this.values.getOrDefault(name, 0L);
		}

		@Override
		public void save(String name, long value) {
			if (this.deposed) {
				throw new IllegalStateException("deposed");
			}
			this.values.put(name, value);
		}

	}

}
