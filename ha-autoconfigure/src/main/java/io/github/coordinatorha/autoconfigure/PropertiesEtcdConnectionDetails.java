package io.github.coordinatorha.autoconfigure;

import java.util.List;

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
	public String getUsername() {
		return this.etcd.getUsername();
	}

	@Override
	public String getPassword() {
		return this.etcd.getPassword();
	}

}
