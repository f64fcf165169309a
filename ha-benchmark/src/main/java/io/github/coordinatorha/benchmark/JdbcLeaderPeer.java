package io.github.coordinatorha.benchmark;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.LeaderEventPublisher;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The Spring-native peer: one candidate of Spring Integration's
 * {@link LockRegistryLeaderInitiator} over a {@link JdbcLockRegistry} on PostgreSQL,
 * wired as its reference documentation shows, with the initiator's and the registry's
 * defaults (heartbeat 500 ms, busy wait 50 ms, 100 ms between tries) and the lock's time
 * to live from {@code --peer.ttl-seconds}. It prints {@value #GRANTED} when it is granted
 * leadership and {@value #STANDBY} the first time it finds the lock held by another. On
 * SIGTERM Spring Boot's shutdown hook closes the context, which stops the initiator: the
 * leader yields by deleting its lock row.
 * <p>
 * Run by the benchmark as its own JVM: {@code java -cp ... JdbcLeaderPeer
 * --peer.url=jdbc:postgresql://127.0.0.1:PORT/postgres?user=bench --peer.role=R --peer.ttl-seconds=10}.
 */
@Configuration(proxyBeanMethods = false)
public class JdbcLeaderPeer {

	static final String GRANTED = "granted leadership of";

	static final String STANDBY = "STANDBY: the lock is held by another candidate";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(JdbcLeaderPeer.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setDefaultProperties(Map.of("logging.level.root", "WARN"));
		application.run(args);
	}

	@Bean(destroyMethod = "close")
	HikariDataSource dataSource(Environment environment) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(environment.getRequiredProperty("peer.url"));
		// one connection serves the initiator's one thread; a second covers the close
		dataSource.setMaximumPoolSize(2);
		return dataSource;
	}

	@Bean
	PlatformTransactionManager transactionManager(DataSource dataSource) {
		return new DataSourceTransactionManager(dataSource);
	}

	@Bean
	DefaultLockRepository lockRepository(DataSource dataSource) {
		return new DefaultLockRepository(dataSource);
	}

	@Bean
	JdbcLockRegistry lockRegistry(DefaultLockRepository lockRepository, Environment environment) {
		return new JdbcLockRegistry(lockRepository,
				Duration.ofSeconds(environment.getRequiredProperty("peer.ttl-seconds", Long.class)));
	}

	@Bean
	LockRegistryLeaderInitiator leaderInitiator(JdbcLockRegistry lockRegistry, Environment environment) {
		String role = environment.getRequiredProperty("peer.role");
		LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(lockRegistry,
				new PrintingCandidate(role));
		initiator.setPublishFailedEvents(true);
		initiator.setLeaderEventPublisher(new StandbyPrinter());
		return initiator;
	}

	/**
	 * Prints the lines the benchmark waits for.
	 */
	static final class PrintingCandidate implements Candidate {

		private final String role;

		private final String id = UUID.randomUUID().toString();

		PrintingCandidate(String role) {
			this.role = role;
		}

		@Override
		public String getRole() {
			return this.role;
		}

		@Override
		public String getId() {
			return this.id;
		}

		@Override
		public void onGranted(Context context) {
			System.out.println(GRANTED + " " + this.role + " (" + this.id + ")");
			System.out.flush();
		}

		@Override
		public void onRevoked(Context context) {
			System.out.println("revoked leadership of " + this.role);
			System.out.flush();
		}

	}

	/**
	 * Says once that this candidate waits: it has tried the lock and found it held.
	 */
	static final class StandbyPrinter implements LeaderEventPublisher {

		private volatile boolean said;

		@Override
		public void publishOnGranted(Object source, Context context, String role) {
		}

		@Override
		public void publishOnRevoked(Object source, Context context, String role) {
		}

		@Override
		public void publishOnFailedToAcquire(Object source, Context context, String role) {
			if (!this.said) {
				this.said = true;
				System.out.println(STANDBY + " (" + role + ")");
				System.out.flush();
			}
		}

	}

}
