package io.github.coordinatorha.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidHaConfigurationException} into Spring Boot's startup failure
 * report.
 */
class InvalidHaConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidHaConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidHaConfigurationException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
	}

}
