package io.github.coordinatorha.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A fenced store outside etcd, in one file that every node process of a test shares: it
 * keeps the highest fencing token it has accepted and refuses a write that carries a
 * lower one, as a database with a {@code WHERE fencing_token <= :token} condition does.
 * It outlives the nodes and etcd's data, so it remembers what a wiped etcd forgot.
 */
final class FencedFile {

	private final Path file;

	FencedFile(Path file) {
		this.file = file;
	}

	/**
	 * Writes under {@code token}, under a lock that other processes respect.
	 * @return whether the store accepted it, and the highest token it has accepted
	 */
	Outcome write(long token) {
		try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
			ByteBuffer buffer = ByteBuffer.allocate(32);
			channel.read(buffer, 0);
			String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
			long highest = text.isEmpty() ? 0 : Long.parseLong(text);
			if (token < highest) {
				return new Outcome(false, highest);
			}
			channel.truncate(0);
			channel.write(ByteBuffer.wrap(Long.toString(token).getBytes(StandardCharsets.US_ASCII)), 0);
			channel.force(false);
			return new Outcome(true, token);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write to the fenced store " + this.file, ex);
		}
	}

	/**
	 * What the store answered.
	 *
	 * @param accepted whether it accepted the write
	 * @param highest the highest token it has accepted
	 */
	record Outcome(boolean accepted, long highest) {
	}

}
