package io.github.coordinatorha.election;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * How this node describes itself in its sessions. The address is resolved when first
 * needed, once the web server has its port.
 */
final class NodeIdentity {

	private final Supplier<String> addressSource;

	private final String hostName;

	private final String version;

	private volatile @Nullable String address;

	NodeIdentity(Supplier<String> addressSource, String hostName, String version) {
		this.addressSource = addressSource;
		this.hostName = hostName;
		this.version = version;
	}

	/**
	 * The address clients reach this node at, {@code host:port}.
	 */
	String address() {
		String resolved = this.address;
		if (resolved == null) {
			resolved = this.addressSource.get();
			this.address = resolved;
		}
		return resolved;
	}

	String hostName() {
		return this.hostName;
	}

	String version() {
		return this.version;
	}

}
