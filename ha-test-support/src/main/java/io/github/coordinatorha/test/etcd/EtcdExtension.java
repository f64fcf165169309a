package io.github.coordinatorha.test.etcd;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd cluster shared by the tests of one class: started before the first test,
 * killed and deleted after the last.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final EtcdExtension etcd = EtcdExtension.single();
 * </pre>
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

	private final int members;

	private final Consumer<EtcdCluster> setup;

	private @Nullable EtcdCluster cluster;

	private EtcdExtension(int members, Consumer<EtcdCluster> setup) {
		this.members = members;
		this.setup = setup;
	}

	/**
	 * One member.
	 * @return the extension
	 */
	public static EtcdExtension single() {
		return new EtcdExtension(1, (cluster) -> {
		});
	}

	/**
	 * A cluster of several members.
	 * @param members how many
	 * @return the extension
	 */
	public static EtcdExtension cluster(int members) {
		return new EtcdExtension(members, (cluster) -> {
		});
	}

	/**
	 * The same, prepared by {@code setup} once it answers, for example to enable
	 * authentication.
	 * @param setup what to do to the new cluster
	 * @return the extension
	 */
	public EtcdExtension withSetup(Consumer<EtcdCluster> setup) {
		return new EtcdExtension(this.members, setup);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.cluster = EtcdCluster.start(this.members);
		this.setup.accept(this.cluster);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.cluster != null) {
			this.cluster.close();
			this.cluster = null;
		}
	}

	/**
	 * The running cluster.
	 * @return the cluster
	 */
	public EtcdCluster cluster() {
		if (this.cluster == null) {
			throw new IllegalStateException("The etcd cluster runs only while the test class runs");
		}
		return this.cluster;
	}

	/**
	 * See {@link EtcdCluster#endpoints()}.
	 * @return the client URLs, comma-separated
	 */
	public String endpoints() {
		return cluster().endpoints();
	}

	/**
	 * See {@link EtcdCluster#etcdctl(String...)}.
	 * @param args etcdctl's arguments
	 * @return standard output
	 */
	public String etcdctl(String... args) {
		return cluster().etcdctl(args);
	}

}
