package org.starttls.policyd.core.list;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Writes a list in EFF's format, version {@value PreloadListParser#SUPPORTED_VERSION}, the shape
 * {@link PreloadListParser} reads: {@code timestamp} and {@code expires} as RFC 3339 UTC, no
 * aliases, one policy per domain in name order (so two builds of the same content differ only in
 * their dates). Callers still parse the result before publishing it.
 */
public final class PreloadListWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private PreloadListWriter() {
    }

    /**
     * The document's bytes (UTF-8, ending in a newline).
     *
     * @param author the {@code author} field, or null to leave it out
     * @param policies normalised domain to policy; aliases are not written, only each domain's own policy
     */
    public static byte[] write(Instant timestamp, Instant expires, String author, SortedMap<String, TlsPolicy> policies) {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(expires, "expires");
        if (!expires.isAfter(timestamp)) {
            throw new IllegalArgumentException("expires must be after timestamp");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("version", PreloadListParser.SUPPORTED_VERSION);
            json.writeStringField("timestamp", timestamp.toString());
            json.writeStringField("expires", expires.toString());
            if (author != null) {
                json.writeStringField("author", author);
            }
            json.writeObjectFieldStart("policies");
            for (Map.Entry<String, TlsPolicy> entry : policies.entrySet()) {
                json.writeObjectFieldStart(entry.getKey());
                json.writeStringField("mode", entry.getValue().mode().wireName());
                json.writeArrayFieldStart("mxs");
                for (MxPattern pattern : entry.getValue().mxs()) {
                    json.writeString(pattern.asString());
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }
}
