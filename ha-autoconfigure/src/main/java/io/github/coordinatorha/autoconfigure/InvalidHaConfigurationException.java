package io.github.coordinatorha.autoconfigure;

/**
 * A coordinator-ha setting that cannot work, with the property at fault and the fix.
 * Reported at startup by Spring Boot's failure analysis.
 *
 * @since 0.1.0
 */
public class InvalidHaConfigurationException extends IllegalStateException {

	private final String property;

	private final String action;

	private final String description;

	public InvalidHaConfigurationException(String property, String problem, String action) {
		super(describe(property, problem) + " " + action);
		this.property = property;
		this.action = action;
		this.description = describe(property, problem);
	}

	private static String describe(String property, String problem) {
		return "Invalid coordinator-ha configuration: '" + property + "' " + problem + ".";
	}

	/**
	 * What is wrong, without the fix.
	 * @return the description
	 */
	String getDescription() {
		return this.description;
	}

	/**
	 * The property at fault.
	 * @return the property's name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * What to change.
	 * @return the fix
	 */
	public String getAction() {
		return this.action;
	}

}
