package io.github.coordinatorha.sample.proxy;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

import io.github.coordinatorha.client.ActiveRouting;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * {@code POST /api/v1/ids?count=N} and {@code POST /api/v1/timestamps?count=N}, forwarded
 * to the active RootCoord; its answer, whatever its status, passes through as it came
 * (the allocation's JSON, or the RootCoord's error). When no RootCoord answers, the proxy
 * answers with a problem detail: 503 when no active is known or none could be reached,
 * 504 when the active did not answer in time (the allocation may have happened), 502 when
 * the call broke off otherwise. Allocations are marked idempotent, so the routing sends a
 * call that broke off again, to the next active.
 */
@RestController
@RequestMapping("/api/v1")
class AllocationProxyController {

	private static final Log logger = LogFactory.getLog(AllocationProxyController.class);

	private final RestClient rootCoord;

	AllocationProxyController(RestClient rootCoord) {
		this.rootCoord = rootCoord;
	}

	@PostMapping("/ids")
	ResponseEntity<?> ids(@RequestParam(defaultValue = "1") int count) {
		return forward("/api/v1/ids", count);
	}

	@PostMapping("/timestamps")
	ResponseEntity<?> timestamps(@RequestParam(defaultValue = "1") int count) {
		return forward("/api/v1/timestamps", count);
	}

	private ResponseEntity<?> forward(String path, int count) {
		try {
			// Safe to send twice: an allocation whose answer was lost only leaves a
			// gap in the IDs or timestamps, never a repeat, so a call cut off by a
			// crash of the active is sent again to its successor.
			return this.rootCoord.post()
				.uri(path + "?count={count}", count)
				.attributes(ActiveRouting.idempotent())
				.exchange((request, response) -> ResponseEntity.status(response.getStatusCode())
					.contentType(response.getHeaders().getContentType())
					.body(response.getBody().readAllBytes()));
		}
		catch (ResourceAccessException ex) {
			return failed(path, ex);
		}
		catch (IllegalStateException ex) {
			// Spring Cloud LoadBalancer found no instance: the active went away between
			// the routing's wait and the load balancer's pick.
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "No active rootCoord", ex.getMessage());
		}
	}

	private ResponseEntity<ProblemDetail> failed(String path, ResourceAccessException ex) {
		logger.debug("POST " + path + " to the active rootCoord failed", ex);
		Throwable cause = ex.getCause();
		if (cause instanceof ActiveRouting.NoActiveException) {
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "No active rootCoord", cause.getMessage());
		}
		if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "No rootCoord could be reached",
					"The active rootCoord did not accept the connection, and the role directory named no other"
							+ " that did within ha.directory.await-active: " + cause);
		}
		// a read timeout, whichever HTTP client reports it
		if (cause instanceof HttpTimeoutException || cause instanceof InterruptedIOException) {
			return problem(HttpStatus.GATEWAY_TIMEOUT, "The active rootCoord did not answer in time",
					"It may or may not have done the allocation: " + cause);
		}
		return problem(HttpStatus.BAD_GATEWAY, "The call to the active rootCoord broke off",
				"It may or may not have done the allocation: " + cause);
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		problem.setProperty("role", "rootCoord");
		return ResponseEntity.status(status).body(problem);
	}

}
