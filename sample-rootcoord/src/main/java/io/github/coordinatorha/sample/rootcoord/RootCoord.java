package io.github.coordinatorha.sample.rootcoord;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.ActiveOnlyContext;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.TransitionReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The coordinator: serves ID and timestamp allocation while ACTIVE for rootCoord. On
 * taking over it reloads its state from etcd before serving (the "reload the metadata
 * while taking over" of the Milvus page); if that fails the listener throws and the node
 * gives the role up.
 */
@Component
class RootCoord {

	private static final Log logger = LogFactory.getLog(RootCoord.class);

	private final ActiveStandby activeStandby;

	private final IdAllocator ids;

	private final TimestampOracle timestamps;

	private volatile boolean serving;

	private volatile FencingToken servingTerm;

	RootCoord(ActiveStandby activeStandby, FencedStore store) {
		this.activeStandby = activeStandby;
		this.ids = new IdAllocator(store);
		this.timestamps = new TimestampOracle(store, System::currentTimeMillis);
	}

	@EventListener(condition = "#event.role == 'rootCoord'")
	void onActive(BecameActiveEvent event) throws Exception {
		logger.info("rootcoord switch from standby to active, activating (serverId " + event.getServerId() + ", term "
				+ event.getFencingToken() + ")");
		if (event.getFencingToken() != null) {
			this.ids.reload();
			this.timestamps.reload();
		}
		this.serving = true;
		this.servingTerm = event.getFencingToken();
		logger.info("RootCoord Register Finished");
	}

	@EventListener(condition = "#event.role == 'rootCoord'")
	void onStandby(BecameStandbyEvent event) {
		this.serving = false;
		this.servingTerm = null;
		logger.info("rootcoord is STANDBY (" + event.getReason() + ")");
	}

	/**
	 * Keeps the timestamp window ahead of the clock. Runs on the active only, and only
	 * once its state is loaded.
	 */
	@Scheduled(fixedDelay = 1000)
	@ActiveOnly(FencedStore.ROLE)
	public void refreshTimestampWindow() throws Exception {
		if (this.serving && this.servingTerm != null && this.servingTerm.equals(ActiveOnlyContext.fencingToken())) {
			this.timestamps.refreshWindow();
		}
	}

	/**
	 * Allocates IDs: the first of {@code count} consecutive ones.
	 */
	Allocation allocateIds(int count) throws Exception {
		long term = serving();
		return new Allocation(this.ids.allocate(count), count, term);
	}

	/**
	 * Allocates timestamps: the first of {@code count} consecutive ones.
	 */
	Allocation allocateTimestamps(int count) throws Exception {
		long term = serving();
		return new Allocation(this.timestamps.allocate(count), count, term);
	}

	/**
	 * The term this node serves in, checked against the lease deadline now; 0 when
	 * active-standby is disabled and the node serves alone.
	 */
	private long serving() {
		RoleStatus status = this.activeStandby.status(FencedStore.ROLE);
		FencingToken term = this.servingTerm;
		if (!this.serving || !status.isActive()) {
			throw new NotActiveException(status);
		}
		if (status.reason() == TransitionReason.HA_DISABLED) {
			return 0;
		}
		if (term == null || !term.equals(status.fencingToken())) {
			// Reactivated in a new term whose reload has not finished yet.
			throw new NotActiveException(status);
		}
		return term.revision();
	}

	/**
	 * A range handed out.
	 *
	 * @param first the first value
	 * @param count how many consecutive values
	 * @param term the term that handed them out
	 */
	record Allocation(long first, int count, long term) {
	}

}
