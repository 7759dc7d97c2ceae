package org.starttls.policyd.fetcher.cachefile;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * What one cache keeps on disk through a {@link JsonCacheFile}: the file's name for its kind, and
 * how one entry is written and read back. Reading trusts nothing: {@link #read} checks every field
 * and returns null for an entry it would not have written.
 *
 * @param <E> one cached entry
 */
public interface CacheEntryFormat<E> {

    /** The {@code "format"} field that marks a file of this kind, e.g. {@code "starttls-policyd dane cache"}. */
    String format();

    /** The {@code "version"} field; a file of another version is ignored as a whole. */
    int version();

    /** The name of the array holding the entries, e.g. {@code "policies"}. */
    String entriesField();

    /** How log lines name the cache, e.g. {@code "MTA-STS cache"}. */
    String description();

    /** The longest string an entry may hold (the file refuses longer ones before decoding them). */
    int maxStringChars();

    /** When the entry was made: a bounded file keeps the newest. */
    Instant madeAt(E entry);

    /** Whether the entry may still be used at {@code now}; others are dropped on reading. */
    boolean usableAt(E entry, Instant now);

    /** Writes the entry as one JSON object. */
    void write(E entry, JsonGenerator json) throws IOException;

    /**
     * The entry from its object's fields (values are {@code String}, {@code Long}, {@code Boolean},
     * {@code List} or {@code Map} of those, or null), or null when it is not a valid entry.
     */
    E read(Map<String, Object> fields);
}
