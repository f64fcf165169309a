package io.github.coordinatorha;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every public method of the annotated class) only while
 * this node is ACTIVE for a role, for example a {@code @Scheduled} job that must run on
 * one node only:
 *
 * <pre class="code">
 * &#64;Scheduled(fixedDelay = 5000)
 * &#64;ActiveOnly("rootCoord")
 * void compactMetadata() { ... ActiveOnlyContext.fencingToken() ... }
 * </pre> The check is made at each call against this node's lease deadline, not a cached
 * flag. While the call runs, {@link ActiveOnlyContext#fencingToken()} gives the term it
 * runs in, to guard its writes with. Otherwise the call is skipped (it returns
 * {@code null}, an empty {@code Optional}, or zero/false for primitives) or, with
 * {@link Otherwise#FAIL}, throws {@link NotActiveException}.
 *
 * @since 0.1.0
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ActiveOnly {

	/**
	 * The role the node must be ACTIVE for, for example {@code rootCoord}.
	 * @return the role's name
	 */
	String value();

	/**
	 * What happens to a call made while the node is not ACTIVE.
	 * @return skip (the default) or fail
	 */
	Otherwise otherwise() default Otherwise.SKIP;

	/**
	 * What happens to a call made while the node is not ACTIVE.
	 */
	enum Otherwise {

		/**
		 * The call does not run and returns an empty value.
		 */
		SKIP,

		/**
		 * The call does not run and throws {@link NotActiveException}.
		 */
		FAIL

	}

}
