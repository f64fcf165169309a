package io.github.coordinatorha.test.etcd;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on loopback between a client and one server, which a test turns into a
 * network fault: pass traffic, drop every connection, hold all traffic while keeping
 * connections open (a blackhole, as a partition looks to both sides), or delay it.
 */
public final class TcpProxy implements AutoCloseable {

	private enum Mode {

		PASS, DROP, BLACKHOLE, DELAY

	}

	private final int targetPort;

	private final ServerSocket server;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile Mode mode = Mode.PASS;

	private volatile long delayNanos;

	private volatile boolean closed;

	/**
	 * Connections whose client has sent this are closed, or {@code null}.
	 */
	private volatile @Nullable String refusedMarker;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final AtomicLong bytesToServer = new AtomicLong();

	private final Object flow = new Object();

	private TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "tcp-proxy-" + this.server.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Starts a proxy to a port on 127.0.0.1, passing traffic.
	 * @param targetPort the server's port
	 * @return the proxy
	 */
	public static TcpProxy to(int targetPort) {
		try {
			return new TcpProxy(targetPort);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not open a proxy port", ex);
		}
	}

	/**
	 * The port clients connect to.
	 * @return the port
	 */
	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * The proxy's URL for a client of the given scheme, {@code http://127.0.0.1:PORT}.
	 * @param scheme {@code http} or {@code https}
	 * @return the URL
	 */
	public String endpoint(String scheme) {
		return scheme + "://127.0.0.1:" + port();
	}

	/**
	 * Traffic flows again; connections made from now on reach the server.
	 */
	public void pass() {
		this.refusedMarker = null;
		switchTo(Mode.PASS, 0);
	}

	/**
	 * Closes every connection whose client has sent {@code marker} among its first bytes,
	 * now and from now on, until {@link #pass()}; other connections pass. For example
	 * {@code X-Server-From: <member ID>}, the header etcd puts on every request to a
	 * peer, cuts one member's connections to this peer and leaves the others'.
	 * @param marker the text, in the first 8 KiB a client sends
	 */
	public void dropConnectionsSending(String marker) {
		this.refusedMarker = marker;
		for (Connection connection : this.connections) {
			if (connection.sent(marker)) {
				connection.close();
			}
		}
	}

	/**
	 * How many bytes clients have sent through to the server so far.
	 * @return the count
	 */
	public long bytesToServer() {
		return this.bytesToServer.get();
	}

	/**
	 * Closes every open connection and every new one at once: the client sees resets.
	 */
	public void drop() {
		switchTo(Mode.DROP, 0);
		closeConnections();
	}

	/**
	 * Keeps connections open but holds every byte either way, and accepts new connections
	 * without reaching the server: calls hang until their deadline. As with TCP over a
	 * healed partition, what was held flows once {@link #pass()} is called.
	 */
	public void blackhole() {
		switchTo(Mode.BLACKHOLE, 0);
	}

	/**
	 * Forwards every chunk of data, either way, only after the given delay.
	 * @param delay the added latency
	 */
	public void delay(Duration delay) {
		switchTo(Mode.DELAY, delay.toNanos());
	}

	private void switchTo(Mode next, long delay) {
		synchronized (this.flow) {
			this.delayNanos = delay;
			this.mode = next;
			this.flow.notifyAll();
		}
	}

	/**
	 * Blocks while the proxy is a blackhole.
	 * @return whether data may flow, {@code false} once dropped or closed
	 */
	private boolean awaitFlow() throws InterruptedException {
		synchronized (this.flow) {
			while (this.mode == Mode.BLACKHOLE && !this.closed) {
				this.flow.wait();
			}
			return this.mode != Mode.DROP && !this.closed;
		}
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				if (this.mode == Mode.DROP) {
					client.close();
					continue;
				}
				this.sockets.add(client);
				start(() -> open(client));
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void open(Socket client) {
		try {
			if (!awaitFlow()) {
				closeQuietly(client);
				return;
			}
			Socket upstream = connect();
			Connection connection = new Connection(client, upstream);
			this.connections.add(connection);
			start(() -> copy(client, upstream, connection));
			start(() -> copy(upstream, client, null));
		}
		catch (IOException ex) {
			// the server is down: the client's connection ends
			closeQuietly(client);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Socket connect() throws IOException {
		Socket upstream = new Socket();
		this.sockets.add(upstream);
		upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 2000);
		return upstream;
	}

	private void start(Runnable task) {
		Thread thread = new Thread(task, "tcp-proxy-" + port() + "-pump");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Reads one direction and hands each chunk, stamped with the time it is due, to a
	 * writer of its own: a delay adds latency to every chunk without slowing the flow.
	 */
	private void copy(Socket from, Socket to, @Nullable Connection fromClient) {
		BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
		start(() -> forward(chunks, to));
		try (from) {
			InputStream in = from.getInputStream();
			byte[] buffer = new byte[16 * 1024];
			int read;
			while ((read = in.read(buffer)) >= 0) {
				if (fromClient != null && fromClient.refuses(buffer, read, this.refusedMarker)) {
					fromClient.close();
					break;
				}
				if (!awaitFlow()) {
					break;
				}
				if (fromClient != null) {
					this.bytesToServer.addAndGet(read);
				}
				long delay = (this.mode == Mode.DELAY) ? this.delayNanos : 0;
				chunks.put(new Chunk(System.nanoTime() + delay, Arrays.copyOf(buffer, read)));
			}
		}
		catch (IOException ex) {
			// one side went away
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.sockets.remove(from);
			if (fromClient != null) {
				this.connections.remove(fromClient);
			}
			chunks.add(Chunk.END);
		}
	}

	/**
	 * A client's connection and the one to the server it was joined to, with the first
	 * bytes the client sent.
	 */
	private static final class Connection {

		private static final int HEAD_LIMIT = 8 * 1024;

		private final Socket client;

		private final Socket upstream;

		private final StringBuilder head = new StringBuilder();

		Connection(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		/**
		 * Records what the client sent and tells whether it has sent {@code marker}.
		 */
		synchronized boolean refuses(byte[] data, int length, @Nullable String marker) {
			if (this.head.length() < HEAD_LIMIT) {
				this.head.append(new String(data, 0, Math.min(length, HEAD_LIMIT - this.head.length()),
						StandardCharsets.ISO_8859_1));
			}
			return marker != null && this.head.indexOf(marker) >= 0;
		}

		synchronized boolean sent(String marker) {
			return this.head.indexOf(marker) >= 0;
		}

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.upstream);
		}

	}

	private void forward(BlockingQueue<Chunk> chunks, Socket to) {
		try {
			OutputStream out = to.getOutputStream();
			while (true) {
				Chunk chunk = chunks.take();
				if (chunk == Chunk.END || !awaitFlow()) {
					break;
				}
				long wait = chunk.dueAt() - System.nanoTime();
				if (wait > 0) {
					// the injected fault itself: this chunk arrives late
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				out.write(chunk.data());
				out.flush();
			}
		}
		catch (IOException ex) {
			// the other side went away
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			closeQuietly(to);
		}
	}

	private record Chunk(long dueAt, byte[] data) {

		static final Chunk END = new Chunk(0, new byte[0]);

	}

	private void closeConnections() {
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
		this.sockets.clear();
	}

	private static void closeQuietly(Closeable socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	/**
	 * Stops accepting and closes every connection.
	 */
	@Override
	public void close() {
		synchronized (this.flow) {
			this.closed = true;
			this.flow.notifyAll();
		}
		closeQuietly(this.server);
		closeConnections();
	}

}
