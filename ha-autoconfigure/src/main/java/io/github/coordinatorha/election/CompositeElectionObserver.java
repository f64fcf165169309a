package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.TransitionReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells several observers; one that throws is logged and does not stop the others or the
 * election.
 */
final class CompositeElectionObserver implements ElectionObserver {

	private static final Log logger = LogFactory.getLog(CompositeElectionObserver.class);

	private final List<ElectionObserver> observers;

	CompositeElectionObserver(List<ElectionObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	@Override
	public void transitioned(String role, RoleState from, RoleState to, TransitionReason reason) {
		each((observer) -> observer.transitioned(role, from, to, reason));
	}

	@Override
	public void activated(String role, Duration sinceWon, boolean succeeded) {
		each((observer) -> observer.activated(role, sinceWon, succeeded));
	}

	@Override
	public void tookOver(String role, Duration sinceActiveKeyDeleted) {
		each((observer) -> observer.tookOver(role, sinceActiveKeyDeleted));
	}

	@Override
	public CompletionStage<Void> releasing(String role) {
		List<CompletableFuture<Void>> stages = new ArrayList<>();
		each((observer) -> stages.add(observer.releasing(role).toCompletableFuture()));
		return CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new));
	}

	@Override
	public void keepAliveConfirmed(Duration roundTrip) {
		each((observer) -> observer.keepAliveConfirmed(roundTrip));
	}

	private void each(Consumer<ElectionObserver> call) {
		for (ElectionObserver observer : this.observers) {
			try {
				call.accept(observer);
			}
			catch (RuntimeException ex) {
				logger.warn("Election observer " + observer + " failed", ex);
			}
		}
	}

}
