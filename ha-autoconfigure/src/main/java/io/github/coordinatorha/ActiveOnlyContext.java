package io.github.coordinatorha;

import org.jspecify.annotations.Nullable;

/**
 * The term an {@link ActiveOnly} call runs in, for the code of that call.
 *
 * @since 0.1.0
 */
public final class ActiveOnlyContext {

	private static final ThreadLocal<FencingToken> current = new ThreadLocal<>();

	private ActiveOnlyContext() {
	}

	/**
	 * The fencing token of the term the running {@link ActiveOnly} call was admitted in.
	 * Pass it with every write the call makes so that the write fails if the node has
	 * been deposed meanwhile.
	 * <p>
	 * For a role whose active-standby mode is disabled (local development, most tests)
	 * the call runs on every node and there is no term: the token is then
	 * {@link FencingToken#unfenced(String)}, which guards nothing
	 * ({@link FencingToken#isFenced()} is {@code false}, its revision {@code 0}).
	 * @return the token
	 * @throws IllegalStateException outside an {@link ActiveOnly} call
	 */
	public static FencingToken fencingToken() {
		FencingToken token = current.get();
		if (token == null) {
			throw new IllegalStateException("No fencing token here: ActiveOnlyContext.fencingToken() answers only"
					+ " inside a call of a method annotated with @ActiveOnly (through the bean, not from the bean's"
					+ " own other methods); elsewhere use ActiveStandby.fencingToken(role)");
		}
		return token;
	}

	/**
	 * Runs {@code call} with {@code token} as the current term. For the starter's own
	 * interceptor.
	 * @param token the token
	 * @param call the call
	 * @param <T> its result type
	 * @return its result
	 * @throws Throwable what the call throws
	 */
	public static <T> @Nullable T runIn(FencingToken token, Call<T> call) throws Throwable {
		FencingToken previous = current.get();
		current.set(token);
		try {
			return call.run();
		}
		finally {
			if (previous == null) {
				current.remove();
			}
			else {
				current.set(previous);
			}
		}
	}

	/**
	 * A call that may throw anything.
	 *
	 * @param <T> its result type
	 */
	@FunctionalInterface
	public interface Call<T> {

		/**
		 * Runs the call.
		 * @return its result, {@code null} for none
		 * @throws Throwable what it throws
		 */
		@Nullable T run() throws Throwable;

	}

}
