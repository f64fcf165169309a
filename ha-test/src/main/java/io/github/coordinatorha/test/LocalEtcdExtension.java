package io.github.coordinatorha.test;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * The JUnit extension behind {@link LocalEtcd}: a real one-member etcd on a free loopback
 * port for one test class, with {@code ha.etcd.endpoints} (a system property) pointing at
 * it while the class runs. Use it through the annotation, or as a field for tests that
 * build their own application contexts:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final LocalEtcdExtension etcd = new LocalEtcdExtension();
 * </pre>
 *
 * @since 0.1.0
 */
public class LocalEtcdExtension implements BeforeAllCallback, TestInstancePreConstructCallback, ParameterResolver {

	/**
	 * The property the extension sets.
	 */
	public static final String ENDPOINTS_PROPERTY = "ha.etcd.endpoints";

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(LocalEtcdExtension.class);

	private volatile @Nullable Running running;

	@Override
	public void beforeAll(ExtensionContext context) {
		start(context);
	}

	/**
	 * Starts etcd before the test instance exists, for classes whose instance is made
	 * (and whose application context is loaded) before {@code @BeforeAll}.
	 */
	@Override
	public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
		start(context.getTestMethod().isPresent() ? context.getParent().orElse(context) : context);
	}

	private void start(ExtensionContext classContext) {
		ExtensionContext.Store store = classContext.getStore(NAMESPACE);
		// A nested class shares its enclosing class's etcd (the store looks up the
		// parents).
		if (store.get(Running.class, Running.class) != null) {
			this.running = store.get(Running.class, Running.class);
			return;
		}
		Running started = new Running(EtcdCluster.single(), System.getProperty(ENDPOINTS_PROPERTY));
		System.setProperty(ENDPOINTS_PROPERTY, started.cluster().endpoints());
		// Closed by JUnit when the class's context closes, after every afterAll callback:
		// the test's application context, closed by Spring's afterAll, goes first.
		store.put(Running.class, started);
		this.running = started;
	}

	/**
	 * The running etcd, while the test class runs.
	 * @return the cluster
	 * @throws IllegalStateException outside the test class
	 */
	public EtcdCluster cluster() {
		Running current = this.running;
		if (current == null || current.closed) {
			throw new IllegalStateException("The local etcd runs only while its test class runs");
		}
		return current.cluster();
	}

	/**
	 * Its client URL, as {@code ha.etcd.endpoints} takes it.
	 * @return the URL
	 */
	public String endpoints() {
		return cluster().endpoints();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == EtcdCluster.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Running current = extensionContext.getStore(NAMESPACE).get(Running.class, Running.class);
		if (current == null) {
			throw new IllegalStateException("No local etcd runs for " + extensionContext.getDisplayName());
		}
		return current.cluster();
	}

	/**
	 * An etcd started for a class, and the property value it replaced.
	 */
	private static final class Running implements AutoCloseable {

		private final EtcdCluster cluster;

		private final String previousEndpoints;

		private volatile boolean closed;

		Running(EtcdCluster cluster, String previousEndpoints) {
			this.cluster = cluster;
			this.previousEndpoints = previousEndpoints;
		}

		EtcdCluster cluster() {
			return this.cluster;
		}

		@Override
		public void close() {
			this.closed = true;
			if (this.previousEndpoints != null) {
				System.setProperty(ENDPOINTS_PROPERTY, this.previousEndpoints);
			}
			else {
				System.clearProperty(ENDPOINTS_PROPERTY);
			}
			this.cluster.close();
		}

	}

}
