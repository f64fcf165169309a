package io.github.coordinatorha.sample.rootcoord;

import java.util.Map;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.RoleStatus;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shows this node's roles: {@code GET /status}.
 */
@RestController
class StatusController {

	private final ActiveStandby activeStandby;

	StatusController(ActiveStandby activeStandby) {
		this.activeStandby = activeStandby;
	}

	@GetMapping("/status")
	Map<String, RoleStatus> status() {
		return this.activeStandby.statuses();
	}

}
