package io.github.coordinatorha.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * {@link EtcdConnectionDetails} read from {@code ha.etcd.*}.
 */
final class PropertiesEtcdConnectionDetails implements EtcdConnectionDetails {

	private final ActiveStandbyProperties.Etcd etcd;

	PropertiesEtcdConnectionDetails(ActiveStandbyProperties.Etcd etcd) {
		this.etcd = etcd;
	}

	@Override
	public List<String> getEndpoints() {
		return this.etcd.getEndpoints();
	}

	@Override
	public @Nullable String getUsername() {
		return this.etcd.getUsername();
	}

	@Override
	public @Nullable String getPassword() {
		return this.etcd.getPassword();
	}

}
