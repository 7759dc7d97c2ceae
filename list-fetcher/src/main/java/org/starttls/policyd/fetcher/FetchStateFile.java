package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validators ({@code ETag}, {@code Last-Modified}) of the installed list, kept in
 * {@code fetch-state.properties} so the next conditional GET survives a restart. Only an
 * optimisation: a missing or unreadable file just means the next download is unconditional.
 */
public final class FetchStateFile {
    public static final String FILE_NAME = "fetch-state.properties";
    /** The file holds three short lines; anything bigger is not ours. */
    static final long MAX_FILE_BYTES = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(FetchStateFile.class);
    private static final String URL = "url";
    private static final String ETAG = "etag";
    private static final String LAST_MODIFIED = "last-modified";

    private final Path file;

    public FetchStateFile(Path stateDirectory) {
        this.file = Objects.requireNonNull(stateDirectory, "stateDirectory").resolve(FILE_NAME);
    }

    /** The validators recorded for {@code listUri}, or none if they were recorded for another URL. */
    public Validators read(URI listUri) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                LOG.warn("{} is too large to be a fetch state; ignoring it", file);
                return Validators.NONE;
            }
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            if (!listUri.toString().equals(properties.getProperty(URL))) {
                return Validators.NONE;
            }
            return new Validators(properties.getProperty(ETAG), properties.getProperty(LAST_MODIFIED));
        } catch (NoSuchFileException e) {
            return Validators.NONE;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot read {} ({}); the next download is unconditional", file, e.getMessage());
            return Validators.NONE;
        }
    }

    /** Records the validators of the list now installed from {@code listUri}, replacing the file atomically. */
    public void write(URI listUri, Validators validators) throws StateDirectoryException {
        Properties properties = new Properties();
        properties.setProperty(URL, listUri.toString());
        if (validators.etag() != null) {
            properties.setProperty(ETAG, validators.etag());
        }
        if (validators.lastModified() != null) {
            properties.setProperty(LAST_MODIFIED, validators.lastModified());
        }
        PropertiesFile.replace(file, properties, "validators of the installed list, for conditional GET");
    }

    /** Forgets the validators, so the next download is unconditional. */
    public void clear() throws StateDirectoryException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StateDirectoryException("cannot remove " + file + ": " + StateDirectory.describe(e), e);
        }
    }
}
