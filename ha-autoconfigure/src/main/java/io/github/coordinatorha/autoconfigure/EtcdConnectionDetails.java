package io.github.coordinatorha.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where etcd is and who to be there, as Spring Boot's {@link ConnectionDetails} for every
 * client: by default read from {@code ha.etcd.endpoints}, {@code ha.etcd.username} and
 * {@code ha.etcd.password}; a bean of this type (one's own, or one that a test or
 * container support provides) takes their place. TLS is set by {@code ha.etcd.ssl.*}
 * either way.
 *
 * @since 0.1.0
 */
public interface EtcdConnectionDetails extends ConnectionDetails {

	/**
	 * etcd client URLs, for example {@code http://127.0.0.1:2379}.
	 * @return the URLs, at least one
	 */
	List<String> getEndpoints();

	/**
	 * The user to authenticate as, when etcd has authentication enabled.
	 * @return the user, or {@code null} for none
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * The user's password.
	 * @return the password, or {@code null} for none
	 */
	default @Nullable String getPassword() {
		return null;
	}

}
