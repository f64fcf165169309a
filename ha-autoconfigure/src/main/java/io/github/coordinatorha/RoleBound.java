package io.github.coordinatorha;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@link org.springframework.context.Lifecycle} bean (a message listener
 * container, a consumer, a scheduler) to a role: the starter starts it when this node
 * becomes ACTIVE and stops it, in reverse order, when the node becomes STANDBY, before
 * any other listener of the transition hears of it. If one fails to start, those already
 * started are stopped and the node gives the role up rather than run half-active.
 * <p>
 * The context must not start such a bean itself: a {@code SmartLifecycle} must return
 * {@code false} from {@code isAutoStartup()}.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RoleBound {

	/**
	 * The role, for example {@code rootCoord}.
	 * @return the role's name
	 */
	String value();

}
