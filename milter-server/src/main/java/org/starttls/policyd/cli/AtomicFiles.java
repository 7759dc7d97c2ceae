package org.starttls.policyd.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see the old content or the new, never half of it: a temporary
 * file beside the target, flushed to disk, then renamed over it. Postfix's {@code postmap} run
 * from cron against a half-written table would install a truncated policy.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code text} to {@code target}; a failure names the target and the system's reason. */
    static void write(Path target, String text) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        if (dir == null || Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a directory, not a file");
        }
        try {
            replace(absolute, dir, text);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * Creates {@code target} with {@code bytes} and the POSIX {@code mode} (e.g. {@code rw-------}),
     * never replacing a file that exists (a key's secret half is never overwritten): the content is
     * written and flushed under a temporary name, made only for its owner, then linked into place,
     * which fails when the name is taken. Readers never see a half-written file.
     *
     * @throws java.nio.file.FileAlreadyExistsException when {@code target} exists
     */
    static void createNew(Path target, byte[] bytes, String mode) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        Path temp = tempBeside(absolute, dir);
        try {
            writeAndSync(temp, ByteBuffer.wrap(bytes));
            setMode(temp, mode);
            try {
                Files.createLink(absolute, temp);
            } catch (UnsupportedOperationException e) {
                // No hard links here: a move that refuses an existing target (checked, then renamed).
                Files.move(temp, absolute);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeAndSync(Path file, ByteBuffer bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }

    private static void setMode(Path file, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: keep the default permissions.
        }
    }

    /**
     * The temporary file beside {@code absolute}. A failure names the directory, not the temporary
     * file's random name, which the operator never chose: a missing directory or one this user
     * cannot create files in is what to fix.
     */
    private static Path tempBeside(Path absolute, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        try {
            return Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(dir.toString());
        }
    }

    private static void replace(Path absolute, Path dir, String text) throws IOException {
        Path temp = tempBeside(absolute, dir);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            // createTempFile makes the file 0600; a map source is read by postmap and humans.
            try {
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep the default permissions.
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
