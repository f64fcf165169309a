package io.github.coordinatorha.test.etcd;

/**
 * What one etcdctl run printed.
 *
 * @param exitCode the exit code
 * @param stdout standard output
 * @param stderr standard error
 */
public record EtcdctlResult(int exitCode, String stdout, String stderr) {

	/**
	 * Whether etcdctl succeeded.
	 * @return {@code true} on exit code 0
	 */
	public boolean succeeded() {
		return this.exitCode == 0;
	}

}
