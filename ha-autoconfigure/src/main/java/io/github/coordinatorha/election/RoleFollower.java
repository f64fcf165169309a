package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.directory.ActiveMember;
import io.github.coordinatorha.directory.RoleMember;
import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.Range;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.EtcdGateway.WatchListener;
import io.github.coordinatorha.election.EtcdGateway.Watching;
import io.github.coordinatorha.election.RoleView.ActiveHolder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Follows one role's keys for the directory: one read of the role's range, then one watch
 * from the revision after it; after a compaction, a broken stream or a failed read, it
 * reads again (failed reads back off from 100 ms to 5 s). It never writes.
 * <p>
 * Threads: everything but {@link #await} runs on the directory's lane (one thread for all
 * roles), which owns {@link #view}, {@link #watching} and {@link #generation}; the
 * gateway's answers hop onto it. {@link #await} runs on the caller's thread and only
 * reads {@link #snapshot}, which the lane publishes under the monitor.
 */
final class RoleFollower {

	private static final Log logger = LogFactory.getLog(RoleFollower.class);

	private static final Duration FIRST_RETRY = Duration.ofMillis(100);

	private static final Duration LAST_RETRY = Duration.ofSeconds(5);

	private final String role;

	private final RoleKeys keys;

	private final EtcdGateway etcd;

	private final ScheduledExecutorService lane;

	private final BiConsumer<@Nullable ActiveMember, @Nullable ActiveMember> activeChanged;

	private final Object monitor = new Object();

	private volatile Snapshot snapshot = Snapshot.UNREAD;

	private @Nullable RoleView view;

	private @Nullable Watching watching;

	private long generation;

	private Duration retry = FIRST_RETRY;

	private long watchedSince;

	private boolean failing;

	private long unreadableTerm;

	private boolean stopped;

	/**
	 * @param activeChanged told on the lane of every change of the role's active
	 */
	RoleFollower(String role, RoleKeys keys, EtcdGateway etcd, ScheduledExecutorService lane,
			BiConsumer<@Nullable ActiveMember, @Nullable ActiveMember> activeChanged) {
		this.role = role;
		this.keys = keys;
		this.etcd = etcd;
		this.lane = lane;
		this.activeChanged = activeChanged;
	}

	String role() {
		return this.role;
	}

	void start() {
		onLane(this::read);
	}

	/**
	 * Runs a task on the lane; one that fails unexpectedly is logged, and the role read
	 * again, rather than lost with the executor's silence.
	 */
	private void onLane(Runnable task) {
		this.lane.execute(() -> guarded(task));
	}

	private void guarded(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			logger.error("Role directory: following role " + this.role + " failed unexpectedly; reading it again", ex);
			this.generation++;
			closeWatch();
			retryLater("failed", ex);
		}
	}

	void stop() {
		onLane(() -> {
			this.stopped = true;
			this.generation++;
			closeWatch();
		});
	}

	Snapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * Waits on the caller's thread until the role's active passes {@code condition}.
	 */
	Optional<ActiveMember> await(Predicate<ActiveMember> condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (true) {
				ActiveMember active = this.snapshot.active();
				if (active != null && condition.test(active)) {
					return Optional.of(active);
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return Optional.empty();
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
			}
		}
	}

	private void read() {
		if (this.stopped) {
			return;
		}
		long reading = ++this.generation;
		closeWatch();
		this.etcd.get(this.keys.activeKey(), this.keys.rangeEnd())
			.whenComplete((range, failure) -> onLane(() -> read(reading, range, failure)));
	}

	private void read(long reading, @Nullable Range range, @Nullable Throwable failure) {
		if (reading != this.generation || this.stopped) {
			return;
		}
		if (range == null) {
			retryLater("cannot read its keys", Objects.requireNonNull(failure));
			return;
		}
		if (this.failing) {
			logger.info("Role directory: reading role " + this.role + " again");
			this.failing = false;
		}
		this.view = RoleView.read(this.keys, range.keyValues(), range.header().revision());
		publish();
		this.watchedSince = System.nanoTime();
		this.watching = this.etcd.watch(this.keys.activeKey(), this.keys.rangeEnd(), range.header().revision() + 1,
				new Listener(reading));
	}

	private void watched(long watch, List<WatchEvent> events) {
		RoleView current = this.view;
		if (watch != this.generation || this.stopped || current == null) {
			return;
		}
		for (WatchEvent event : events) {
			current = current.apply(event);
		}
		this.view = current;
		publish();
	}

	private void ended(long watch, EtcdFailure failure) {
		if (watch != this.generation || this.stopped) {
			return;
		}
		this.watching = null;
		if (System.nanoTime() - this.watchedSince >= LAST_RETRY.toNanos()) {
			// a watch that lasted: the next outage starts from the first back-off again
			this.retry = FIRST_RETRY;
		}
		if (failure.kind() == EtcdFailure.Kind.COMPACTED) {
			logger.debug("Role directory: the watch of role " + this.role + " was compacted away; reading again");
			read();
			return;
		}
		retryLater("lost its watch", failure);
	}

	private void retryLater(String what, Throwable failure) {
		if (!this.failing) {
			logger.warn("Role directory: role " + this.role + " " + what + " (" + failure.getMessage()
					+ "); it keeps what it saw last and reads again, from " + FIRST_RETRY.toMillis()
					+ " ms up to every " + LAST_RETRY.toSeconds() + " s, until etcd answers");
			this.failing = true;
		}
		Duration wait = this.retry;
		this.retry = (wait.multipliedBy(2).compareTo(LAST_RETRY) < 0) ? wait.multipliedBy(2) : LAST_RETRY;
		this.lane.schedule(() -> guarded(this::read), wait.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void publish() {
		RoleView current = Objects.requireNonNull(this.view);
		ActiveMember active = current.active().map(this::active).orElse(null);
		List<RoleMember> members = new ArrayList<>(current.candidates()
			.stream()
			.filter(RoleView.Candidate::wellFormed)
			.map((candidate) -> member(candidate, active))
			.toList());
		if (active != null && members.stream().noneMatch((member) -> member.serverId() == active.serverId())) {
			// a Milvus coordinator outside active-standby mode writes only the role's key
			current.active()
				.flatMap(ActiveHolder::session)
				.ifPresent((session) -> members.add(member(session, RoleState.ACTIVE)));
			members.sort(Comparator.comparingLong(RoleMember::serverId));
		}
		Snapshot previous = this.snapshot;
		synchronized (this.monitor) {
			this.snapshot = new Snapshot(active, List.copyOf(members), true);
			this.monitor.notifyAll();
		}
		if (!previous.read() || !Objects.equals(previous.active(), active)) {
			if (previous.read() || active != null) {
				this.activeChanged.accept(previous.active(), active);
			}
		}
	}

	private @Nullable ActiveMember active(ActiveHolder holder) {
		SessionInfo session = holder.session().orElse(null);
		if (session == null || session.address() == null) {
			if (this.unreadableTerm != holder.term()) {
				this.unreadableTerm = holder.term();
				logger.warn("Role directory: the ACTIVE key of role " + this.role + " (" + this.keys.activeKey()
						+ ") holds no session it can read, so it names no active; an operator or another program"
						+ " wrote it. Delete the key, and a candidate claims the role again");
			}
			return null;
		}
		return new ActiveMember(this.role, session.serverId(), session.address(), holder.term());
	}

	private RoleMember member(RoleView.Candidate candidate, @Nullable ActiveMember active) {
		RoleState state = (active != null && active.serverId() == candidate.serverId()) ? RoleState.ACTIVE
				: RoleState.STANDBY;
		return member(candidate.session().orElseThrow(), state);
	}

	private RoleMember member(SessionInfo session, RoleState state) {
		return new RoleMember(this.role, session.serverId(), Objects.requireNonNullElse(session.address(), ""), state,
				session.hostName(), session.version(), session.stopping());
	}

	private void closeWatch() {
		Watching running = this.watching;
		this.watching = null;
		if (running != null) {
			running.close();
		}
	}

	/**
	 * What the directory knows of the role, published by the lane.
	 *
	 * @param active the active, or {@code null}
	 * @param members the well-formed sessions, by server ID
	 * @param read whether the role was read at all
	 */
	record Snapshot(@Nullable ActiveMember active, List<RoleMember> members, boolean read) {

		static final Snapshot UNREAD = new Snapshot(null, List.of(), false);

	}

	/**
	 * One watch's events, handed to the lane with the generation they belong to.
	 */
	private final class Listener implements WatchListener {

		private final long watch;

		Listener(long watch) {
			this.watch = watch;
		}

		@Override
		public void onEvents(Header header, List<WatchEvent> events) {
			onLane(() -> watched(this.watch, events));
		}

		@Override
		public void onEnded(EtcdFailure failure) {
			onLane(() -> ended(this.watch, failure));
		}

	}

}
