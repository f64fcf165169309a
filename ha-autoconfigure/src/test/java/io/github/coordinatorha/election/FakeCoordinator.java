package io.github.coordinatorha.election;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.client.StandbyRefusal;

/**
 * The web side of a test node, on the JDK's HTTP server on loopback: it answers
 * {@code /who} with its server ID while its node is active for rootCoord, and with a
 * {@link StandbyRefusal}'s headers otherwise, as a coordinator's controller would. A test
 * can make it refuse although active (the moment after it lost the role), or hang.
 */
final class FakeCoordinator implements AutoCloseable {

	private final HttpServer server;

	private final AtomicInteger received = new AtomicInteger();

	private final CountDownLatch released = new CountDownLatch(1);

	private volatile TestNode node;

	private volatile Mode mode = Mode.SERVE;

	private FakeCoordinator(HttpServer server) {
		this.server = server;
	}

	static FakeCoordinator start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeCoordinator coordinator = new FakeCoordinator(server);
			server.createContext("/who", coordinator::answer);
			server.setExecutor(Executors.newCachedThreadPool());
			server.start();
			return coordinator;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	FakeCoordinator serving(TestNode node) {
		this.node = node;
		return this;
	}

	void mode(Mode mode) {
		this.mode = mode;
	}

	int received() {
		return this.received.get();
	}

	private void answer(HttpExchange exchange) throws IOException {
		this.received.incrementAndGet();
		try (exchange) {
			if (this.mode == Mode.HANG) {
				this.released.await(30, TimeUnit.SECONDS);
				return;
			}
			RoleStatus status = this.node.activeStandby().status("rootCoord");
			if (this.mode == Mode.REFUSE || !status.isActive()) {
				exchange.getResponseHeaders().add(StandbyRefusal.ROLE_HEADER, "rootCoord");
				exchange.getResponseHeaders()
					.add(StandbyRefusal.ACTIVE_SERVER_ID_HEADER, Long.toString(status.activeServerId()));
				exchange.sendResponseHeaders(503, -1);
				return;
			}
			byte[] body = Long.toString(status.serverId()).getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Stops listening: a call then finds its connection refused.
	 */
	void stopListening() {
		this.server.stop(0);
	}

	@Override
	public void close() {
		this.released.countDown();
		this.server.stop(0);
	}

	enum Mode {

		SERVE, REFUSE, HANG

	}

}
