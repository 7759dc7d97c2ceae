package org.starttls.policyd.core.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Small lists in the EFF format, written in the test, and their signatures. */
public final class TestLists {
    private TestLists() {
    }

    /** A list and its detached signature, as bytes. */
    public record Signed(byte[] list, byte[] signature) {
        /** Writes {@code name} and {@code name.asc} into {@code dir}; returns the list's path. */
        public Path writeTo(Path dir, String name) {
            try {
                Path file = dir.resolve(name);
                Files.write(file, list);
                Files.write(dir.resolve(name + ".asc"), signature);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A list with the given times and enforce-mode domains, each mapped to one MX pattern
     * (e.g. {@code "example.com" -> ".mx.example.com"}); domains starting with {@code testing.}
     * get testing mode.
     */
    public static String json(Instant timestamp, Instant expires, Map<String, String> domainToMx) {
        StringBuilder policies = new StringBuilder();
        for (Map.Entry<String, String> entry : new TreeMap<>(domainToMx).entrySet()) {
            if (policies.length() > 0) {
                policies.append(',');
            }
            String mode = entry.getKey().startsWith("testing.") ? "testing" : "enforce";
            policies.append("\n    \"").append(entry.getKey()).append("\": {\"mode\": \"").append(mode)
                    .append("\", \"mxs\": [\"").append(entry.getValue()).append("\"]}");
        }
        return "{\n  \"version\": \"0.1\",\n  \"timestamp\": \"" + timestamp + "\",\n  \"expires\": \""
                + expires + "\",\n  \"author\": \"test\",\n  \"policy-aliases\": {},\n  \"policies\": {"
                + policies + "\n  }\n}\n";
    }

    /** {@link #json} signed by {@code key} at {@code signedAt}. */
    public static Signed signed(TestKey key, Instant signedAt, Instant timestamp, Instant expires,
            Map<String, String> domainToMx) {
        byte[] list = json(timestamp, expires, domainToMx).getBytes(UTF_8);
        return new Signed(list, key.sign(list, signedAt));
    }

    /** Any bytes signed by {@code key} at {@code signedAt}. */
    public static Signed signed(TestKey key, Instant signedAt, byte[] list) {
        return new Signed(list, key.sign(list, signedAt));
    }
}
