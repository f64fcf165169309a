package io.github.coordinatorha.election;

import java.util.List;

/**
 * Sees every step of every role's machine: the input, the phase it led to, the effects.
 * The tests' simulation records these; production records none.
 */
@FunctionalInterface
interface ElectionTrace {

	ElectionTrace NONE = (role, input, phase, effects) -> {
	};

	void step(String role, RoleInput input, RolePhase phase, List<RoleEffect> effects);

}
