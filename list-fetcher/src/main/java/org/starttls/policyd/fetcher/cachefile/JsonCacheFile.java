package org.starttls.policyd.fetcher.cachefile;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache kept in one JSON file of the state directory, so a restart keeps what was cached
 * without asking the network:
 *
 * <pre>{"format":"starttls-policyd ... cache","version":1,"ENTRIES":[{...},{...}]}</pre>
 *
 * <p>Reading trusts nothing: a file over the size limit, one that does not parse, or one of another
 * format or version is ignored as a whole with one warning (the cache then starts empty, which is
 * what a first start is); a single bad entry is skipped (one warning counts them). Entries no longer
 * usable are dropped. Writing goes to a temporary file, synced, then renamed over the old one, so a
 * crash leaves either the old file or the new one; the newest entries are kept when the limits
 * would be passed, so the file always reads back.
 *
 * @param <E> one cached entry, written and read by its {@link CacheEntryFormat}
 */
public final class JsonCacheFile<E> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonCacheFile.class);
    /** Deep enough for an entry holding a list of objects holding a list. */
    private static final int MAX_NESTING = 8;

    private final Path file;
    private final long maxBytes;
    private final int maxEntries;
    private final CacheEntryFormat<E> format;
    private final JsonFactory json;

    public JsonCacheFile(Path file, long maxBytes, int maxEntries, CacheEntryFormat<E> format) {
        this.file = Objects.requireNonNull(file, "file");
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
        this.format = Objects.requireNonNull(format, "format");
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                        .maxStringLength(format.maxStringChars()).build())
                .build();
    }

    public Path path() {
        return file;
    }

    /** How log lines name the cache. */
    public String description() {
        return format.description();
    }

    /** The entries still usable at {@code now}, newest first, at most {@code maxEntries}; none when there is no file. */
    public List<E> read(Instant now) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                LOG.warn("ignoring the {} {}: larger than the limit of {} bytes; the cache starts empty",
                        format.description(), file, maxBytes);
                return List.of();
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warn("ignoring the {} {}: cannot read it ({}); the cache starts empty", format.description(), file,
                    e.toString());
            return List.of();
        }
        List<E> entries = new ArrayList<>();
        int skipped;
        try {
            skipped = parse(bytes, now, entries);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring the {} {}: not a valid cache file ({}); the cache starts empty", format.description(),
                    file, e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
            return List.of();
        }
        if (skipped > 0) {
            LOG.warn("{} {}: skipped {} invalid entries", format.description(), file, skipped);
        }
        entries.sort(newestFirst());
        return entries.size() > maxEntries ? List.copyOf(entries.subList(0, maxEntries)) : entries;
    }

    private Comparator<E> newestFirst() {
        return Comparator.comparing(format::madeAt).reversed();
    }

    /** Adds the usable entries to {@code into}; returns how many invalid ones were skipped. */
    private int parse(byte[] bytes, Instant now, List<E> into) throws IOException {
        int skipped = 0;
        boolean formatSeen = false;
        try (JsonParser parser = json.createParser(bytes)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("format".equals(field)) {
                    if (value != JsonToken.VALUE_STRING || !format.format().equals(parser.getText())) {
                        throw new IOException("format is not \"" + format.format() + "\"");
                    }
                    formatSeen = true;
                } else if ("version".equals(field)) {
                    if (value != JsonToken.VALUE_NUMBER_INT || parser.getIntValue() != format.version()) {
                        throw new IOException("version is not " + format.version());
                    }
                } else if (format.entriesField().equals(field)) {
                    expect(value, JsonToken.START_ARRAY);
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        E entry = entry(parser);
                        if (entry == null) {
                            skipped++;
                        } else if (format.usableAt(entry, now)) {
                            into.add(entry);
                        }
                    }
                    expect(parser.currentToken(), JsonToken.END_ARRAY);
                } else {
                    parser.skipChildren();
                }
            }
            expect(parser.currentToken(), JsonToken.END_OBJECT);
            if (parser.nextToken() != null) {
                throw new IOException("data after the end of the cache");
            }
        }
        if (!formatSeen) {
            throw new IOException("no \"format\" field");
        }
        return skipped;
    }

    /** One entry, or null when it is not a valid one (the parser is then past its end). */
    private E entry(JsonParser parser) throws IOException {
        Map<String, Object> fields = object(parser);
        try {
            return format.read(fields);
        } catch (RuntimeException e) {
            // A field of the wrong type, a value out of range: the format's checks missed it.
            return null;
        }
    }

    private static Map<String, Object> object(JsonParser parser) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            fields.put(name, value(parser, parser.nextToken()));
        }
        expect(parser.currentToken(), JsonToken.END_OBJECT);
        return fields;
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT:
                return object(parser);
            case START_ARRAY:
                List<Object> values = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    values.add(value(parser, next));
                }
                return values;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.INT
                        || parser.getNumberType() == JsonParser.NumberType.LONG ? parser.getLongValue() : null;
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NUMBER_FLOAT:
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + token);
        }
    }

    private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) {
            throw new IOException("expected " + wanted + ", found " + actual);
        }
    }

    /** Replaces the file with {@code entries}, newest first, stopping before the size or entry limit. */
    public void write(Collection<E> entries) throws IOException {
        List<E> sorted = new ArrayList<>(entries);
        sorted.sort(newestFirst());
        byte[] bytes = encode(sorted);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private byte[] encode(List<E> entries) throws IOException {
        // Room for the closing brackets, so the limit holds for the whole file.
        long budget = maxBytes - 16;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = json.createGenerator(out, JsonEncoding.UTF8)) {
            generator.writeStartObject();
            generator.writeStringField("format", format.format());
            generator.writeNumberField("version", format.version());
            generator.writeArrayFieldStart(format.entriesField());
            int written = 0;
            for (E entry : entries) {
                if (written == maxEntries) {
                    break;
                }
                byte[] encoded = encodeEntry(entry);
                generator.flush();
                if (out.size() + encoded.length + 1 > budget) {
                    break;
                }
                generator.writeRawValue(new String(encoded, StandardCharsets.UTF_8));
                written++;
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }
        return out.toByteArray();
    }

    private byte[] encodeEntry(E entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = json.createGenerator(out, JsonEncoding.UTF8)) {
            format.write(entry, generator);
        }
        return out.toByteArray();
    }
}
