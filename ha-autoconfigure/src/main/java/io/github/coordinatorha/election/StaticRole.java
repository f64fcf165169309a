package io.github.coordinatorha.election;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.etcd.jetcd.op.Cmp;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.TransitionReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A role whose active-standby mode is disabled: as in Milvus, the node simply serves it,
 * with no etcd and no term.
 */
final class StaticRole implements RoleHandle {

	private static final Log logger = LogFactory.getLog(StaticRole.class);

	private final String name;

	private final TransitionPublisher publisher;

	private final Object source;

	private volatile RoleStatus status;

	StaticRole(String name, TransitionPublisher publisher, Object source) {
		this.name = name;
		this.publisher = publisher;
		this.source = source;
		this.status = new RoleStatus(name, RoleState.JOINING, TransitionReason.STARTING, 0, 0, null, null,
				Instant.now());
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public RoleStatus status() {
		return this.status;
	}

	@Override
	public FencingToken fencingToken() {
		throw noTerm();
	}

	@Override
	public Cmp fencingGuard() {
		throw noTerm();
	}

	@Override
	public Cmp fencingGuard(FencingToken token) {
		throw noTerm();
	}

	@Override
	public Cmp epochGuard(FencingToken token) {
		throw noTerm();
	}

	@Override
	public List<RegisteredSession> registeredSessions() {
		return List.of();
	}

	@Override
	public int rank() {
		return 0;
	}

	@Override
	public Handover handOver(long serverId) {
		return new Handover(this.name, Handover.Outcome.HA_DISABLED, 0, "Role '" + this.name
				+ "' has active-standby disabled: every node serves it, so there is nothing to hand over");
	}

	private IllegalStateException noTerm() {
		return new IllegalStateException("Role '" + this.name + "' has active-standby disabled, so it has no ACTIVE"
				+ " key and no term to fence writes with. Fix: set " + this.name + ".activeStandby.enabled=true");
	}

	@Override
	public void start() {
		this.status = new RoleStatus(this.name, RoleState.ACTIVE, TransitionReason.HA_DISABLED, 0, 0, null, null,
				Instant.now());
		logger.info("Role " + this.name + " is ACTIVE: active-standby is disabled for it");
		this.publisher.publishActive(new BecameActiveEvent(this.source, this.status), () -> {
		}, (ex) -> logger.error("A listener of BecameActiveEvent for role " + this.name
				+ " failed; the role has active-standby disabled, so there is no standby to hand it to", ex));
	}

	@Override
	public CompletableFuture<Void> stop() {
		RoleStatus previous = this.status;
		if (previous.isActive()) {
			this.status = new RoleStatus(this.name, RoleState.STANDBY, TransitionReason.SHUTDOWN, 0, 0, null, null,
					Instant.now());
			this.publisher.publish(new BecameStandbyEvent(this.source, this.status));
		}
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public void close(Duration timeout) {
		this.publisher.awaitPublished(timeout);
	}

}
