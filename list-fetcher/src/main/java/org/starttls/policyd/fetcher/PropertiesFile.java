package org.starttls.policyd.fetcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * Writes the small properties files of the state directory (fetch state, rollback floor): to a
 * temporary file owned like the directory, synced, then renamed over the old one, so a reader sees
 * the old file or the new one, never half of either.
 */
final class PropertiesFile {
    private PropertiesFile() {
    }

    static void replace(Path file, Properties properties, String comment) throws StateDirectoryException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            properties.store(out, comment);
            Files.write(temp, out.toByteArray());
            StateOwnership.of(file.getParent()).apply(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StateDirectoryException("cannot write " + file + ": " + StateDirectory.describe(e), e);
        }
    }
}
