package org.starttls.policyd.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A golden dialogue file: {@code C: } lines are what the client sends, {@code S: } lines what the
 * server must answer, {@code #} lines comments. {@code lineEnding} is appended to each line's text
 * ("" for netstrings, whose lines are whole frames; "\n" for line protocols). For binary protocols
 * {@code CH: } and {@code SH: } lines give the bytes in hex (spaces ignored, nothing appended).
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
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ByteArrayOutputStream server = new ByteArrayOutputStream();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("CH:")) {
                client.writeBytes(hex(line.substring(3)));
            } else if (line.startsWith("SH:")) {
                server.writeBytes(hex(line.substring(3)));
            } else if (line.startsWith("C:")) {
                client.writeBytes((line.substring(line.startsWith("C: ") ? 3 : 2) + lineEnding).getBytes(StandardCharsets.UTF_8));
            } else if (line.startsWith("S:")) {
                server.writeBytes((line.substring(line.startsWith("S: ") ? 3 : 2) + lineEnding).getBytes(StandardCharsets.UTF_8));
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                throw new IllegalStateException("golden line neither C:, S:, CH:, SH: nor #: " + line);
            }
        }
        return new Golden(client.toByteArray(), server.toByteArray());
    }

    private static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    public String serverText() {
        return new String(server, StandardCharsets.UTF_8);
    }
}
