package org.starttls.policyd.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Line reading for the small test peers (SMTP, policy delegation), bounded in bytes per line. */
final class AsciiLines {
    private AsciiLines() {}

    /**
     * Reads one line ended by LF (a CR before it is dropped). Returns {@code null} at a clean end of
     * stream; throws when the line exceeds {@code maxLineBytes} or the stream ends mid-line.
     */
    static String readLine(InputStream in, int maxLineBytes) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() >= maxLineBytes) {
                throw new IOException("line longer than " + maxLineBytes + " bytes");
            }
            line.write(b);
        }
    }

    static void writeCrlfLine(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
