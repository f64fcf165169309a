package io.github.coordinatorha.sample.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of the proxy, as an application calls it: threads that each send
 * {@code POST /api/v1/ids?count=1} one after another, with the JDK's HTTP client, and
 * record every call's outcome.
 */
final class ClientLoop implements AutoCloseable {

	private static final Pattern FIRST = Pattern.compile("\"first\":(\\d+)");

	private static final Pattern TERM = Pattern.compile("\"term\":(\\d+)");

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(1))
		.build();

	private final HttpRequest request;

	private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

	private final AtomicInteger answered = new AtomicInteger();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	private ClientLoop(int port, Duration timeout) {
		this.request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ids?count=1"))
			.timeout(timeout)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
	}

	/**
	 * Starts the loop.
	 * @param port the proxy's port
	 * @param threads how many calls run at a time
	 * @param timeout each call's bound, after which it counts as failed
	 * @return the running loop
	 */
	static ClientLoop start(int port, int threads, Duration timeout) {
		ClientLoop loop = new ClientLoop(port, timeout);
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(loop::run, "proxy-client-" + i);
			thread.setDaemon(true);
			loop.threads.add(thread);
			thread.start();
		}
		return loop;
	}

	/**
	 * How many calls were answered with an allocation so far.
	 * @return the count
	 */
	int answered() {
		return this.answered.get();
	}

	/**
	 * Stops the loop, letting the calls under way end.
	 * @return every call made
	 */
	List<Call> stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			try {
				thread.join(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		return List.copyOf(this.calls);
	}

	@Override
	public void close() {
		this.running = false;
	}

	private void run() {
		while (this.running) {
			long start = System.nanoTime();
			Call call;
			try {
				HttpResponse<String> response = this.client.send(this.request, HttpResponse.BodyHandlers.ofString());
				call = answer(start, response);
			}
			catch (HttpTimeoutException ex) {
				call = new Call(start, System.nanoTime(), 0, -1, -1, "timed out in the client: " + ex);
			}
			catch (IOException ex) {
				call = new Call(start, System.nanoTime(), 0, -1, -1, "failed in the client: " + ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			this.calls.add(call);
			if (call.succeeded()) {
				this.answered.incrementAndGet();
			}
		}
	}

	private static Call answer(long start, HttpResponse<String> response) {
		long end = System.nanoTime();
		Matcher first = FIRST.matcher(response.body());
		Matcher term = TERM.matcher(response.body());
		if (response.statusCode() == 200 && first.find() && term.find()) {
			return new Call(start, end, 200, Long.parseLong(first.group(1)), Long.parseLong(term.group(1)), null);
		}
		return new Call(start, end, response.statusCode(), -1, -1, response.body());
	}

	/**
	 * One call.
	 *
	 * @param start its {@link System#nanoTime()} when sent
	 * @param end its {@link System#nanoTime()} when it ended
	 * @param status the HTTP status, {@code 0} when none came
	 * @param first the first ID allocated, {@code -1} when it failed
	 * @param term the term of the RootCoord that allocated it, {@code -1} when it failed
	 * @param failure why it failed: the answer's body or the client's exception
	 */
	record Call(long start, long end, int status, long first, long term, String failure) {

		boolean succeeded() {
			return this.status == 200 && this.first >= 0;
		}

		@Override
		public String toString() {
			return "call "
					+ (succeeded() ? "answered " + this.first + " in term " + this.term
							: "failed with " + this.status + ": " + this.failure)
					+ " (" + (this.end - this.start) / 1_000_000 + " ms)";
		}

	}

}
