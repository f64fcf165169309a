package io.github.coordinatorha.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.test.annotation.DirtiesContext;

/**
 * Starts a real etcd for the annotated test class, on a free loopback port, and points
 * {@code ha.etcd.endpoints} at it:
 *
 * <pre class="code">
 * &#64;SpringBootTest(properties = "rootCoord.activeStandby.enabled=true")
 * &#64;LocalEtcd
 * class RootCoordTests { ... }
 * </pre> The etcd binary is found as the project's scripts find it: {@code ETCD_BIN},
 * then {@code PATH}, then {@code /usr/bin} and {@code /usr/local/bin} (Debian's
 * {@code etcd-server} package). etcd starts before the class's first test and is killed,
 * with its data, after the last. A test method or constructor may take the running
 * {@link io.github.coordinatorha.test.etcd.EtcdCluster} as a parameter, to read keys with
 * {@code etcdctl}.
 * <p>
 * The Spring application context of such a class is its own: it is never taken from, or
 * left in, Spring's test context cache, so it never talks to another class's etcd. Test
 * classes that each start an etcd must not run in parallel (the endpoints are a system
 * property while the class runs).
 *
 * @see LocalEtcdExtension
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LocalEtcdExtension.class)
@DirtiesContext
public @interface LocalEtcd {

}
