package io.github.coordinatorha.sample.rootcoord;

import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Switches the coordinator between serving and standing by, logging as Milvus's
 * RootCoord does.
 */
@Component
class RootCoordActivation {

	private static final Log logger = LogFactory.getLog(RootCoordActivation.class);

	@EventListener(condition = "#event.role == 'rootCoord'")
	void onActive(BecameActiveEvent event) {
		logger.info("rootcoord switch from standby to active, activating (serverId " + event.getServerId() + ", term "
				+ event.getFencingToken() + ")");
		logger.info("RootCoord Register Finished");
	}

	@EventListener(condition = "#event.role == 'rootCoord'")
	void onStandby(BecameStandbyEvent event) {
		logger.info("rootcoord is STANDBY (" + event.getReason() + ")");
	}

}
