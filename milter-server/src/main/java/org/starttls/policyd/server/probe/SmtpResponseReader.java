package org.starttls.policyd.server.probe;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.starttls.policyd.server.answer.PrintableText;

/**
 * Reads SMTP replies (RFC 5321 4.2) from a blocking stream, with bounds: a remote MX may be
 * hostile, so a line longer than {@link #MAX_LINE_BYTES} or a reply of more than
 * {@link #MAX_LINES} lines ends the probe. Reads one byte at a time from the stream it is given,
 * so nothing past the reply is consumed (STARTTLS hands the socket to TLS right after one).
 */
final class SmtpResponseReader {
    /** Bytes of one reply line before its LF (CR included). RFC 5321 allows 512 with CRLF. */
    static final int MAX_LINE_BYTES = 2_048;
    /** Reply text quoted in errors and reports is cut to this many characters. */
    private static final int MAX_QUOTED_CHARS = 200;
    /** An EHLO reply lists a few dozen extensions at most. */
    static final int MAX_LINES = 100;

    private final InputStream in;

    SmtpResponseReader(InputStream in) {
        this.in = in;
    }

    /** The next complete reply; {@link SmtpProtocolException} when it is not SMTP. */
    SmtpResponse read() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            if (lines.size() == MAX_LINES) {
                throw new SmtpProtocolException("reply has more than " + MAX_LINES + " lines");
            }
            String line = readLine();
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2)) || line.length() > 3 && line.charAt(3) != ' '
                    && line.charAt(3) != '-') {
                throw new SmtpProtocolException("not an SMTP reply line: \"" + printable(line) + "\"");
            }
            int lineCode = Integer.parseInt(line.substring(0, 3));
            if (lineCode < 200 || lineCode > 599 || code >= 0 && lineCode != code) {
                throw new SmtpProtocolException("bad reply code in \"" + printable(line) + "\"");
            }
            code = lineCode;
            lines.add(line.length() > 4 ? printable(line.substring(4)) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new SmtpResponse(code, lines);
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the middle of a reply");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() == MAX_LINE_BYTES) {
                throw new SmtpProtocolException("reply line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
    }

    private static String printable(String text) {
        return PrintableText.of(text, MAX_QUOTED_CHARS);
    }

    /** The peer does not speak SMTP (or not within the limits). */
    static final class SmtpProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        SmtpProtocolException(String message) {
            super(message);
        }
    }
}
