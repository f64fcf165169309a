package io.github.coordinatorha.election;

/**
 * A simulated node's lanes, all on its process: they stop with it when it crashes and
 * wait with it while it is paused.
 */
final class SimLanes implements Lanes {

	private final SimProcess process;

	SimLanes(SimProcess process) {
		this.process = process;
	}

	@Override
	public Lane session() {
		return this.process.lane("session");
	}

	@Override
	public Lane role(String role) {
		return this.process.lane("role " + role);
	}

	@Override
	public Lane events(String role) {
		return this.process.lane("events " + role);
	}

	@Override
	public void shutdown() {
	}

}
