package io.github.coordinatorha.directory;

import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEvent;

/**
 * Published when the directory sees a role's active change: a node claimed the role, the
 * role was handed to another node, or the ACTIVE key went away. Published on the
 * {@code ha-directory-events} thread, one event at a time in the order the directory saw
 * them, so a slow listener delays later events but never the directory itself.
 *
 * @since 0.3.0
 */
public class ActiveChangedEvent extends ApplicationEvent {

	private final String role;

	private final @Nullable ActiveMember previous;

	private final @Nullable ActiveMember current;

	public ActiveChangedEvent(Object source, String role, @Nullable ActiveMember previous,
			@Nullable ActiveMember current) {
		super(source);
		this.role = role;
		this.previous = previous;
		this.current = current;
	}

	/**
	 * The role whose active changed.
	 * @return the role's name, as the directory was told it
	 */
	public String getRole() {
		return this.role;
	}

	/**
	 * The active before the change.
	 * @return the previous active, empty if there was none (or the directory had not read
	 * the role yet)
	 */
	public Optional<ActiveMember> getPrevious() {
		return Optional.ofNullable(this.previous);
	}

	/**
	 * The active after the change.
	 * @return the new active, empty if the role has none now
	 */
	public Optional<ActiveMember> getCurrent() {
		return Optional.ofNullable(this.current);
	}

	@Override
	public String toString() {
		return "ActiveChangedEvent[" + this.role + ": " + describe(this.previous) + " -> " + describe(this.current)
				+ "]";
	}

	private static String describe(@Nullable ActiveMember member) {
		return (member != null) ? "serverId " + member.serverId() + " (term " + member.term() + ")" : "none";
	}

}
