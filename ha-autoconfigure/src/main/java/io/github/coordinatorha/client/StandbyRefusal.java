package io.github.coordinatorha.client;

import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleStatus;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The answer of a node that is not active for a role to a call meant for the active: HTTP
 * 503 with the role and the active it knows of in headers, and the same in a problem
 * detail. {@link ActiveRouting} tells it from other 503s by the {@value #ROLE_HEADER}
 * header and sends the call again, to the active the role directory names, until a node
 * serves it.
 * <p>
 * A controller answers with it from an exception handler: <pre class="code">
 * &#64;ExceptionHandler(NotActiveException.class)
 * ResponseEntity&lt;ProblemDetail&gt; notActive(NotActiveException ex) {
 *     return StandbyRefusal.of(ex);
 * }
 * </pre>
 *
 * @since 0.3.0
 */
public final class StandbyRefusal {

	/**
	 * The role the refusing node is not active for.
	 */
	public static final String ROLE_HEADER = "Coordinator-HA-Role";

	/**
	 * The server ID of the active as the refusing node knows it, {@code 0} when it knows
	 * none.
	 */
	public static final String ACTIVE_SERVER_ID_HEADER = "Coordinator-HA-Active-Server-Id";

	/**
	 * The address of the active as the refusing node knows it; absent when it knows none.
	 */
	public static final String ACTIVE_ADDRESS_HEADER = "Coordinator-HA-Active-Address";

	private StandbyRefusal() {
	}

	/**
	 * The refusal of a call that needed this node to be active.
	 * @param refused what the node threw
	 * @return a 503 answer naming the active, if this node knows it
	 */
	public static ResponseEntity<ProblemDetail> of(NotActiveException refused) {
		RoleStatus status = refused.getStatus();
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, refused.getMessage());
		problem.setTitle("Not the active " + status.role());
		problem.setProperty("role", status.role());
		problem.setProperty("state", status.state().name());
		problem.setProperty("activeServerId", status.activeServerId());
		problem.setProperty("activeAddress", status.activeAddress());
		ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(ROLE_HEADER, status.role())
			.header(ACTIVE_SERVER_ID_HEADER, Long.toString(status.activeServerId()));
		if (status.activeAddress() != null) {
			answer.header(ACTIVE_ADDRESS_HEADER, status.activeAddress());
		}
		return answer.body(problem);
	}

	/**
	 * Whether a response is a standby's refusal.
	 * @param response the response
	 * @return {@code true} for a 503 carrying the {@value #ROLE_HEADER} header
	 * @throws java.io.IOException if the response's status cannot be read
	 */
	public static boolean isRefusal(ClientHttpResponse response) throws java.io.IOException {
		HttpHeaders headers = response.getHeaders();
		return response.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value()
				&& headers.getFirst(ROLE_HEADER) != null;
	}

}
