package io.github.coordinatorha.cloud;

/**
 * A session's {@code host:port} (or {@code [ipv6]:port}), split for Spring Cloud's
 * instances; {@code -1} when the address names no port.
 */
record Address(String host, int port) {

	static Address of(String address) {
		int colon = address.lastIndexOf(':');
		if (colon <= 0 || address.endsWith("]")) {
			return new Address(address, -1);
		}
		try {
			return new Address(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
		}
		catch (NumberFormatException ex) {
			return new Address(address, -1);
		}
	}

}
