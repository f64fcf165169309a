package io.github.coordinatorha.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Replaces the election with a {@link TestElection}: no etcd, and this node ACTIVE or
 * STANDBY for the roles named, until the test changes it. For unit tests of listeners,
 * {@code @ActiveOnly} methods and {@code @RoleBound} beans:
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureTestElection(active = "rootCoord")
 * class CompactorTests {
 *
 *     &#64;Autowired TestElection election;
 *
 *     &#64;Test
 *     void skipsOnAStandby() {
 *         election.becomeStandby("rootCoord");
 *         ...
 *     }
 * }
 * </pre> Each role named starts in the state given and behaves as one in active-standby
 * mode, whatever its toggle says; every other role the application configures or uses
 * behaves as the real node has it without etcd (ACTIVE with active-standby disabled,
 * STANDBY with it enabled).
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(TestElectionAutoConfiguration.class)
@PropertyMapping("coordinator-ha.test.election")
public @interface AutoConfigureTestElection {

	/**
	 * The roles this node starts ACTIVE for.
	 * @return the roles
	 */
	String[] active() default {};

	/**
	 * The roles this node starts STANDBY for (another node being active).
	 * @return the roles
	 */
	String[] standby() default {};

}
