package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.VerifiedList;

/**
 * The newest signature time and list timestamp ever installed into a state directory, kept beside
 * the generations in {@value #FILE_NAME}. The rollback guard compares a candidate with the
 * installed copy and with the list in memory; when the installed copy is damaged at start there is
 * neither, and without this record an older, validly signed list could be installed over a newer
 * one that merely lost a byte. The record only ever rises, and a missing or unreadable record is
 * no floor at all (as before it existed), so it can never refuse a list the other checks accept
 * except as a rollback.
 */
public final class RollbackFloor {
    public static final String FILE_NAME = "rollback-floor.properties";
    static final long MAX_FILE_BYTES = 4 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RollbackFloor.class);
    private static final String SIGNED_AT = "signed-at";
    private static final String TIMESTAMP = "timestamp";

    /** The newest times installed so far. */
    public record Times(Instant signedAt, Instant timestamp) {
        public Times {
            Objects.requireNonNull(signedAt, "signedAt");
            Objects.requireNonNull(timestamp, "timestamp");
        }

        static Times of(VerifiedList list) {
            return new Times(list.signature().signatureTime(), list.list().timestamp());
        }

        Times max(Times other) {
            return new Times(later(signedAt, other.signedAt), later(timestamp, other.timestamp));
        }

        private static Instant later(Instant a, Instant b) {
            return a.isAfter(b) ? a : b;
        }
    }

    private final Path file;

    public RollbackFloor(Path stateDirectory) {
        this.file = Objects.requireNonNull(stateDirectory, "stateDirectory").resolve(FILE_NAME);
    }

    /** The recorded floor; empty when none was recorded or the record cannot be read (logged). */
    public Optional<Times> read() {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                LOG.warn("{} is too large to be a rollback record; ignoring it", file);
                return Optional.empty();
            }
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            String signedAt = properties.getProperty(SIGNED_AT);
            String timestamp = properties.getProperty(TIMESTAMP);
            if (signedAt == null || timestamp == null) {
                LOG.warn("{} lacks {} or {}; ignoring it", file, SIGNED_AT, TIMESTAMP);
                return Optional.empty();
            }
            return Optional.of(new Times(Instant.parse(signedAt.strip()), Instant.parse(timestamp.strip())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            LOG.warn("cannot read {} ({}); ignoring it", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Raises the record to {@code installed}'s times (never lowers it), replacing the file atomically. */
    public void raiseTo(VerifiedList installed) throws StateDirectoryException {
        Times next = read().map(current -> current.max(Times.of(installed))).orElse(Times.of(installed));
        Properties properties = new Properties();
        properties.setProperty(SIGNED_AT, next.signedAt().toString());
        properties.setProperty(TIMESTAMP, next.timestamp().toString());
        PropertiesFile.replace(file, properties, "newest list installed here: an older one is a rollback");
    }
}
