package io.github.coordinatorha.activeonly;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.ActiveOnlyContext;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.TransitionReason;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.Assert;

/**
 * Lets an {@link ActiveOnly} call through only while this node is ACTIVE for its role,
 * asking the election at each call (which checks the lease deadline), and binds the term
 * to the call.
 */
final class ActiveOnlyInterceptor implements MethodInterceptor {

	private final Supplier<ActiveStandby> activeStandby;

	private final Supplier<InFlightCalls> inFlight;

	ActiveOnlyInterceptor(Supplier<ActiveStandby> activeStandby, Supplier<InFlightCalls> inFlight) {
		this.activeStandby = activeStandby;
		this.inFlight = inFlight;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		ActiveOnly activeOnly = find(invocation);
		if (activeOnly == null) {
			return invocation.proceed();
		}
		ActiveStandby election = this.activeStandby.get();
		String role = activeOnly.value();
		RoleStatus status = election.status(role);
		if (!status.isActive()) {
			return skip(activeOnly, status, invocation);
		}
		FencingToken token = (status.reason() != TransitionReason.HA_DISABLED) ? status.fencingToken()
				: FencingToken.unfenced(role);
		Assert.state(token != null, () -> "ACTIVE for " + role + " without a fencing token");
		InFlightCalls calls = this.inFlight.get();
		calls.enter(role);
		try {
			// Checked again once counted, so that a handover that began meanwhile waits
			// for
			// this call or this call does not run.
			if (!election.isActive(role)) {
				return skip(activeOnly, election.status(role), invocation);
			}
			return ActiveOnlyContext.runIn(token, invocation::proceed);
		}
		finally {
			calls.exit(role);
		}
	}

	private static @Nullable Object skip(ActiveOnly activeOnly, RoleStatus status, MethodInvocation invocation) {
		if (activeOnly.otherwise() == ActiveOnly.Otherwise.FAIL) {
			throw new NotActiveException(status);
		}
		return emptyValue(invocation.getMethod().getReturnType());
	}

	private static @Nullable ActiveOnly find(MethodInvocation invocation) {
		Method method = invocation.getMethod();
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
				: method.getDeclaringClass();
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		ActiveOnly onMethod = AnnotatedElementUtils.findMergedAnnotation(specific, ActiveOnly.class);
		return (onMethod != null) ? onMethod
				: AnnotatedElementUtils.findMergedAnnotation(targetClass, ActiveOnly.class);
	}

	private static @Nullable Object emptyValue(Class<?> type) {
		if (type == Optional.class) {
			return Optional.empty();
		}
		if (!type.isPrimitive() || type == void.class) {
			return null;
		}
		if (type == boolean.class) {
			return false;
		}
		if (type == char.class) {
			return '\0';
		}
		if (type == long.class) {
			return 0L;
		}
		if (type == double.class) {
			return 0d;
		}
		if (type == float.class) {
			return 0f;
		}
		if (type == short.class) {
			return (short) 0;
		}
		if (type == byte.class) {
			return (byte) 0;
		}
		return 0;
	}

}
