package io.github.coordinatorha.election;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Milvus's server ID allocator and ours share one counter key on a real etcd (issue 12,
 * item 3): Milvus's is emulated as {@code session_util.go} has it ({@code checkIDExist}:
 * put "1" if the key has no version; {@code getServerIDWithKey}: read v, compare the
 * value to v and put v + 1, use v), ours is {@link ServerIdAllocator} through
 * {@link JetcdGateway}. Both run at once from several threads.
 */
class SharedServerIdCounterTests {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private static final int ALLOCATORS_EACH = 4;

	private static final int IDS_EACH = 30;

	@Test
	void milvusAllocatorsAndOursSharingOneCounterNeverHandOutTheSameId() throws Exception {
		String root = "shared-ids-" + System.nanoTime();
		EtcdKeys keys = new EtcdKeys(root, "meta");
		try (Client client = Client.builder().endpoints(etcd.endpoints().split(",")).build()) {
			ServerIdAllocator ours = new ServerIdAllocator(
					new JetcdGateway(client, Duration.ofSeconds(5), etcd.endpoints()), keys);
			MilvusAllocator milvus = new MilvusAllocator(client.getKVClient(), keys.serverIdCounter());
			ExecutorService threads = Executors.newFixedThreadPool(2 * ALLOCATORS_EACH);
			try {
				List<CompletableFuture<List<Long>>> oursTaken = new ArrayList<>();
				List<CompletableFuture<List<Long>>> milvusTaken = new ArrayList<>();
				for (int i = 0; i < ALLOCATORS_EACH; i++) {
					oursTaken.add(CompletableFuture.supplyAsync(() -> take(() -> ours.allocate().join()), threads));
					milvusTaken.add(CompletableFuture.supplyAsync(() -> take(milvus::allocate), threads));
				}
				List<Long> oursIds = joined(oursTaken);
				List<Long> milvusIds = joined(milvusTaken);
				List<Long> all = new ArrayList<>(oursIds);
				all.addAll(milvusIds);
				long counter = Long
					.parseLong(etcd.etcdctl("get", "--print-value-only", keys.serverIdCounter()).strip());
				System.out.println("disaster: shared server ID counter: ours took " + oursIds.size() + " IDs, Milvus's "
						+ milvusIds.size() + "; highest " + all.stream().mapToLong(Long::longValue).max().getAsLong()
						+ ", counter " + counter);

				assertThat(all).hasSize(2 * ALLOCATORS_EACH * IDS_EACH).doesNotHaveDuplicates();
				assertThat(oursIds).doesNotContainAnyElementsOf(milvusIds);
				assertThat(all).allSatisfy((id) -> assertThat(id).isPositive());
				assertThat(counter).as("the counter holds the next free ID")
					.isEqualTo(all.stream().mapToLong(Long::longValue).max().getAsLong() + 1);
			}
			finally {
				threads.shutdownNow();
			}
		}
	}

	private static List<Long> take(LongSupplier allocator) {
		List<Long> ids = new ArrayList<>();
		for (int i = 0; i < IDS_EACH; i++) {
			ids.add(allocator.getAsLong());
		}
		return ids;
	}

	private static List<Long> joined(List<CompletableFuture<List<Long>>> futures) {
		return futures.stream().flatMap((future) -> future.orTimeout(60, TimeUnit.SECONDS).join().stream()).toList();
	}

	/**
	 * Milvus's allocator, step by step as {@code session_util.go} has it.
	 */
	private static final class MilvusAllocator {

		private final KV kv;

		private final ByteSequence key;

		MilvusAllocator(KV kv, String key) {
			this.kv = kv;
			this.key = ByteSequence.from(key, StandardCharsets.UTF_8);
		}

		long allocate() {
			try {
				// checkIDExist
				this.kv.txn()
					.If(new Cmp(this.key, Cmp.Op.EQUAL, CmpTarget.version(0)))
					.Then(Op.put(this.key, bytes("1"), PutOption.DEFAULT))
					.commit()
					.get(5, TimeUnit.SECONDS);
				// getServerIDWithKey
				while (true) {
					String value = this.kv.get(this.key)
						.get(5, TimeUnit.SECONDS)
						.getKvs()
						.get(0)
						.getValue()
						.toString(StandardCharsets.UTF_8);
					long id = Long.parseLong(value);
					boolean swapped = this.kv.txn()
						.If(new Cmp(this.key, Cmp.Op.EQUAL, CmpTarget.value(bytes(value))))
						.Then(Op.put(this.key, bytes(Long.toString(id + 1)), PutOption.DEFAULT))
						.commit()
						.get(5, TimeUnit.SECONDS)
						.isSucceeded();
					if (swapped) {
						return id;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (Exception ex) {
				throw new IllegalStateException("Milvus's allocator could not reach etcd", ex);
			}
		}

		private static ByteSequence bytes(String text) {
			return ByteSequence.from(text, StandardCharsets.UTF_8);
		}

	}

}
