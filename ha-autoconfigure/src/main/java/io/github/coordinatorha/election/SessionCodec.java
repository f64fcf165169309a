package io.github.coordinatorha.election;

import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes {@link SessionInfo}. Keys an operator or a foreign tool changed may
 * hold anything, so reading never throws: a value that is not a session of ours reads as
 * empty.
 */
final class SessionCodec {

	private static final JsonMapper mapper = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private SessionCodec() {
	}

	static String encode(SessionInfo session) {
		return mapper.writeValueAsString(session);
	}

	static Optional<SessionInfo> decode(String value) {
		try {
			SessionInfo session = mapper.readValue(value, SessionInfo.class);
			return (session != null && session.serverId() > 0) ? Optional.of(session) : Optional.empty();
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
