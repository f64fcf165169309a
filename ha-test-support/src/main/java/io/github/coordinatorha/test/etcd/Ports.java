package io.github.coordinatorha.test.etcd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports on loopback.
 */
public final class Ports {

	private static final Set<Integer> handedOut = new HashSet<>();

	private Ports() {
	}

	/**
	 * A loopback port nobody listens on now and that this JVM has not handed out before.
	 * @return the port
	 */
	public static synchronized int free() {
		for (int attempt = 0; attempt < 100; attempt++) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				int port = socket.getLocalPort();
				if (handedOut.add(port)) {
					return port;
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot bind a loopback port", ex);
			}
		}
		throw new IllegalStateException("No free loopback port found");
	}

}
