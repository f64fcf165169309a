package io.github.coordinatorha.sample.rootcoord;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.NotActiveException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The coordinator's state in etcd: numbers under {@code <root>/rootcoord/}. Every write
 * is guarded by this node's fencing token, so a deposed active can never win one. With
 * active-standby disabled there is no etcd client and no term: the state then lives in
 * memory only, as a single node needs nothing more.
 */
@Component
class FencedStore implements StateStore {

	static final String ROLE = "rootCoord";

	private static final long TIMEOUT_SECONDS = 3;

	private final Client client;

	private final ActiveStandby activeStandby;

	private final String prefix;

	FencedStore(ObjectProvider<Client> client, ActiveStandby activeStandby,
			@Value("${ha.etcd.root-path:by-dev}") String rootPath) {
		this.client = client.getIfAvailable();
		this.activeStandby = activeStandby;
		this.prefix = rootPath + "/rootcoord/";
	}

	/**
	 * Reads a number, 0 if the key does not exist yet.
	 */
	@Override
	public long load(String name) throws Exception {
		if (this.client == null) {
			return 0;
		}
		GetResponse response = this.client.getKVClient().get(key(name)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (response.getKvs().isEmpty()) {
			return 0;
		}
		return Long.parseLong(response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
	}

	/**
	 * Writes a number, only while this node still holds the role in its current term.
	 * @throws NotActiveException if the node is no longer active (the write did not
	 * happen)
	 */
	@Override
	public void save(String name, long value) throws Exception {
		if (this.client == null) {
			return;
		}
		TxnResponse response = this.client.getKVClient()
			.txn()
			.If(this.activeStandby.fencingGuard(ROLE))
			.Then(Op.put(key(name), ByteSequence.from(Long.toString(value), StandardCharsets.UTF_8), PutOption.DEFAULT))
			.commit()
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (!response.isSucceeded()) {
			throw new NotActiveException(this.activeStandby.status(ROLE));
		}
	}

	private ByteSequence key(String name) {
		return ByteSequence.from(this.prefix + name, StandardCharsets.UTF_8);
	}

}
