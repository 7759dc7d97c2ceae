package org.starttls.policyd.fetcher.sts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls.policyd.core.sts.Excerpt;
import org.starttls.policyd.core.sts.StsPolicyParser;

/**
 * Reads one HTTP/1.1 response to the policy request and judges it by RFC 8461 section 3.3: status
 * 200 only (a redirect is never followed), {@code text/plain} only (parameters such as charset
 * allowed), a body of at most {@code maxBodyBytes} framed by Content-Length, chunked
 * transfer-coding or the connection's end. Every limit is checked before the bytes past it are
 * read: a host announcing or sending more is refused without reading on.
 */
final class PolicyResponseReader {
    private static final int MAX_CHUNK_LINE_BYTES = 1024;

    private final int maxHeadBytes;
    private final int maxBodyBytes;
    private final StsPolicyParser parser;

    PolicyResponseReader(int maxHeadBytes, int maxBodyBytes) {
        this.maxHeadBytes = maxHeadBytes;
        this.maxBodyBytes = maxBodyBytes;
        this.parser = new StsPolicyParser(maxBodyBytes);
    }

    /**
     * The parsed policy, or the failure; {@code host} names the policy host in details.
     *
     * @throws IOException when the connection fails (a timeout included) before the response ends
     */
    StsPolicyFetch read(InputStream in, String host) throws IOException {
        try {
            Head head = readHead(in, host);
            checkStatus(head, host);
            checkContentType(head, host);
            return new StsPolicyFetch.Parsed(parser.parse(readBody(in, head, host)));
        } catch (PolicyFetchException e) {
            return e.outcome();
        }
    }

    /** The status code and the header fields, names lower-cased. */
    private record Head(int status, String statusLine, List<String[]> fields) {
        List<String> values(String name) {
            List<String> values = new ArrayList<>();
            for (String[] field : fields) {
                if (field[0].equals(name)) {
                    values.add(field[1]);
                }
            }
            return values;
        }
    }

    private Head readHead(InputStream in, String host) throws IOException, PolicyFetchException {
        Budget budget = new Budget(maxHeadBytes, StsFailure.SIZE, host + " sent a status line and headers larger than "
                + maxHeadBytes + " bytes");
        String statusLine = readLine(in, budget, host);
        int status = statusCode(statusLine, host);
        List<String[]> fields = new ArrayList<>();
        for (String line = readLine(in, budget, host); !line.isEmpty(); line = readLine(in, budget, host)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || hasWhitespace(line, colon)) {
                throw new PolicyFetchException(StsFailure.SYNTAX, host + " sent a header line that is not name: value: "
                        + Excerpt.of(line));
            }
            fields.add(new String[] {line.substring(0, colon).toLowerCase(Locale.ROOT), trimOws(line.substring(colon + 1))});
        }
        return new Head(status, statusLine, fields);
    }

    private static boolean hasWhitespace(String line, int colon) {
        for (int i = 0; i < colon; i++) {
            if (line.charAt(i) == ' ' || line.charAt(i) == '\t') {
                return true;
            }
        }
        return false;
    }

    private static int statusCode(String line, String host) throws PolicyFetchException {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        if (line.length() >= 12 && line.startsWith("HTTP/1.") && Character.isDigit(line.charAt(7))
                && line.charAt(8) == ' ' && (line.length() == 12 || line.charAt(12) == ' ')) {
            String code = line.substring(9, 12);
            if (code.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                return Integer.parseInt(code);
            }
        }
        throw new PolicyFetchException(StsFailure.SYNTAX, host + " did not answer in HTTP/1.1: " + Excerpt.of(line));
    }

    private static void checkStatus(Head head, String host) throws PolicyFetchException {
        if (head.status() == 200) {
            return;
        }
        String line = Excerpt.of(head.statusLine());
        if (head.status() >= 300 && head.status() < 400) {
            List<String> location = head.values("location");
            throw new PolicyFetchException(StsFailure.HTTP_STATUS, host + " answered " + line
                    + (location.isEmpty() ? "" : " to " + Excerpt.of(location.get(0)))
                    + "; redirects are never followed");
        }
        throw new PolicyFetchException(StsFailure.HTTP_STATUS, host + " answered " + line + "; only 200 serves a policy");
    }

    private static void checkContentType(Head head, String host) throws PolicyFetchException {
        List<String> types = head.values("content-type");
        if (types.isEmpty()) {
            throw new PolicyFetchException(StsFailure.CONTENT_TYPE, host + " sent no Content-Type; a policy is text/plain");
        }
        if (types.size() > 1) {
            throw new PolicyFetchException(StsFailure.CONTENT_TYPE, host + " sent " + types.size()
                    + " Content-Type headers; a policy is text/plain");
        }
        String type = types.get(0);
        int semicolon = type.indexOf(';');
        String mediaType = trimOws(semicolon < 0 ? type : type.substring(0, semicolon));
        if (!mediaType.equalsIgnoreCase("text/plain")) {
            throw new PolicyFetchException(StsFailure.CONTENT_TYPE, host + " sent Content-Type " + Excerpt.of(type)
                    + "; a policy is text/plain");
        }
        for (String encoding : head.values("content-encoding")) {
            if (!encoding.equalsIgnoreCase("identity")) {
                throw new PolicyFetchException(StsFailure.CONTENT_TYPE, host + " sent Content-Encoding "
                        + Excerpt.of(encoding) + "; a policy is plain text");
            }
        }
    }

    private byte[] readBody(InputStream in, Head head, String host) throws IOException, PolicyFetchException {
        List<String> transferEncodings = head.values("transfer-encoding");
        if (!transferEncodings.isEmpty()) {
            // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length.
            if (transferEncodings.size() != 1 || !transferEncodings.get(0).equalsIgnoreCase("chunked")) {
                throw new PolicyFetchException(StsFailure.SYNTAX, host + " sent Transfer-Encoding "
                        + Excerpt.of(String.join(", ", transferEncodings)) + "; only chunked is read");
            }
            return readChunked(in, host);
        }
        Long length = contentLength(head, host);
        if (length == null) {
            return readUntilClose(in, host);
        }
        if (length > maxBodyBytes) {
            throw tooLarge(host, "announces " + length + " bytes");
        }
        byte[] body = new byte[length.intValue()];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
            throw new PolicyFetchException(StsFailure.SYNTAX, host + " closed the connection after " + read + " of "
                    + length + " announced bytes");
        }
        return body;
    }

    private static Long contentLength(Head head, String host) throws PolicyFetchException {
        Long length = null;
        for (String value : head.values("content-length")) {
            for (String part : value.split(",", -1)) {
                String digits = trimOws(part);
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    throw new PolicyFetchException(StsFailure.SYNTAX, host + " sent Content-Length " + Excerpt.of(value));
                }
                long parsed = Long.parseLong(digits);
                if (length != null && length != parsed) {
                    throw new PolicyFetchException(StsFailure.SYNTAX, host + " sent two different Content-Length values");
                }
                length = parsed;
            }
        }
        return length;
    }

    private byte[] readChunked(InputStream in, String host) throws IOException, PolicyFetchException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Budget lines = new Budget(maxHeadBytes, StsFailure.SIZE, host + " sent chunk lines and trailers larger than "
                + maxHeadBytes + " bytes");
        while (true) {
            String line = readLine(in, lines, host);
            if (line.length() > MAX_CHUNK_LINE_BYTES) {
                throw new PolicyFetchException(StsFailure.SYNTAX, host + " sent a chunk size line longer than "
                        + MAX_CHUNK_LINE_BYTES + " bytes");
            }
            int semicolon = line.indexOf(';'); // chunk extensions are ignored
            String hex = trimOws(semicolon < 0 ? line : line.substring(0, semicolon));
            if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                throw new PolicyFetchException(StsFailure.SYNTAX, host + " sent a chunk size that is not a number: "
                        + Excerpt.of(line));
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                while (!readLine(in, lines, host).isEmpty()) {
                    // trailer fields are read and ignored
                }
                return body.toByteArray();
            }
            if (body.size() + size > maxBodyBytes) {
                throw tooLarge(host, "sends more than that in chunks");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new PolicyFetchException(StsFailure.SYNTAX, host + " closed the connection inside a chunk");
            }
            body.write(chunk);
            if (!readLine(in, lines, host).isEmpty()) {
                throw new PolicyFetchException(StsFailure.SYNTAX, host + " sent a chunk longer than its size");
            }
        }
    }

    private byte[] readUntilClose(InputStream in, String host) throws IOException, PolicyFetchException {
        byte[] body = in.readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            throw tooLarge(host, "sends more than that");
        }
        return body;
    }

    private PolicyFetchException tooLarge(String host, String what) {
        return new PolicyFetchException(StsFailure.SIZE, "the policy of " + host + " " + what + ", more than the limit of "
                + maxBodyBytes + " bytes");
    }

    /** One line without its LF or CRLF, as ISO-8859-1; counted against {@code budget}. */
    private static String readLine(InputStream in, Budget budget, String host) throws IOException, PolicyFetchException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new PolicyFetchException(StsFailure.SYNTAX, host + " closed the connection before the response ended");
            }
            budget.spend();
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    private static String trimOws(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(start, end);
    }

    /** Bytes that may still be read for one part of the response. */
    private static final class Budget {
        private final StsFailure kind;
        private final String detail;
        private int left;

        Budget(int bytes, StsFailure kind, String detail) {
            this.left = bytes;
            this.kind = kind;
            this.detail = detail;
        }

        void spend() throws PolicyFetchException {
            if (--left < 0) {
                throw new PolicyFetchException(kind, detail);
            }
        }
    }
}
