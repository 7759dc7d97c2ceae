package org.starttls.policyd.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A golden dialogue file: {@code C: } lines are what the client sends, {@code S: } lines what the
 * server must answer, {@code #} lines comments. {@code lineEnding} is appended to each line's text
 * ("" for netstrings, whose lines are whole frames; "\n" for line protocols).
 */
public record Golden(byte[] client, byte[] server) {
    public static Golden load(Class<?> near, String resource, String lineEnding) {
        String text;
        try (InputStream in = near.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing golden file " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder client = new StringBuilder();
        StringBuilder server = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("C:")) {
                client.append(line.substring(line.startsWith("C: ") ? 3 : 2)).append(lineEnding);
            } else if (line.startsWith("S:")) {
                server.append(line.substring(line.startsWith("S: ") ? 3 : 2)).append(lineEnding);
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                throw new IllegalStateException("golden line neither C:, S: nor #: " + line);
            }
        }
        return new Golden(client.toString().getBytes(StandardCharsets.UTF_8),
                server.toString().getBytes(StandardCharsets.UTF_8));
    }

    public String serverText() {
        return new String(server, StandardCharsets.UTF_8);
    }
}
