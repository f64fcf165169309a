package io.github.coordinatorha.sample.rootcoord;

import java.util.Map;

import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.client.StandbyRefusal;

import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/ids?count=N} and {@code POST /api/v1/timestamps?count=N}. A standby
 * answers 503 naming the active's address.
 */
@RestController
@RequestMapping("/api/v1")
class AllocationController {

	private static final int MAX_COUNT = 100_000;

	private final RootCoord rootCoord;

	AllocationController(RootCoord rootCoord) {
		this.rootCoord = rootCoord;
	}

	@PostMapping("/ids")
	RootCoord.Allocation ids(@RequestParam(defaultValue = "1") int count) throws Exception {
		return this.rootCoord.allocateIds(checked(count));
	}

	@PostMapping("/timestamps")
	RootCoord.Allocation timestamps(@RequestParam(defaultValue = "1") int count) throws Exception {
		return this.rootCoord.allocateTimestamps(checked(count));
	}

	private static int checked(int count) {
		if (count < 1 || count > MAX_COUNT) {
			throw new IllegalArgumentException("count must be between 1 and " + MAX_COUNT + ", got " + count);
		}
		return count;
	}

	/**
	 * A standby's answer: 503, naming the active it knows of, in the shape that
	 * coordinator-ha's RestClient routing retries on.
	 */
	@ExceptionHandler(NotActiveException.class)
	ResponseEntity<ProblemDetail> notActive(NotActiveException ex) {
		return StandbyRefusal.of(ex);
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, Object>> badRequest(IllegalArgumentException ex) {
		return ResponseEntity.badRequest().body(Map.of("error", ex.getMessage()));
	}

}
