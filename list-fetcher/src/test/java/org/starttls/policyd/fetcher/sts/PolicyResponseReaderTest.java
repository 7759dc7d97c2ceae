package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsPolicyResult;

/** The HTTP rules on raw bytes, delivered one byte per read as a slow network would. */
class PolicyResponseReaderTest {
    private static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx.example.test\r\nmax_age: 86400\r\n";
    private static final int LIMIT = 200;

    private final PolicyResponseReader reader = new PolicyResponseReader(1024, LIMIT);

    private StsPolicyFetch read(String response) throws IOException {
        return reader.read(new OneByteAtATime(response), "mta-sts.example.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 68\r\n\r\n" + POLICY,
        "HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 68\n\n" + POLICY,
        "HTTP/1.0 200 OK\r\ncontent-type: TEXT/PLAIN ; charset=utf-8\r\n\r\n" + POLICY,
        "HTTP/1.1 200\r\nContent-Type:text/plain\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
            + "20;ext=1\r\nversion: STSv1\r\nmode: enforce\r\nm\r\n24\r\nx: mx.example.test\r\nmax_age: 86400\r\n\r\n"
            + "0\r\nX-Trailer: yes\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 68, 68\r\nContent-Encoding: identity\r\n\r\n" + POLICY,
    })
    void readsAPolicyInEveryFraming(String response) throws IOException {
        StsPolicyFetch.Parsed parsed = assertInstanceOf(StsPolicyFetch.Parsed.class, read(response));
        StsPolicyResult.Valid valid = assertInstanceOf(StsPolicyResult.Valid.class, parsed.result(), parsed.toString());
        assertEquals(StsMode.ENFORCE, valid.policy().mode());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 404 Not Found\\r\\nContent-Type: text/plain\\r\\n\\r\\nnope | HTTP_STATUS | only 200",
        "HTTP/1.1 301 Moved\\r\\nLocation: https://evil.test/x\\r\\n\\r\\n | HTTP_STATUS | \"https://evil.test/x\"; redirects are never followed",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n<p> | CONTENT_TYPE | \"text/html\"",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plainx\\r\\n\\r\\n | CONTENT_TYPE | \"text/plainx\"",
        "HTTP/1.1 200 OK\\r\\nContent-Length: 3\\r\\n\\r\\nabc | CONTENT_TYPE | no Content-Type",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Type: text/plain\\r\\n\\r\\n | CONTENT_TYPE | 2 Content-Type",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Encoding: gzip\\r\\n\\r\\n | CONTENT_TYPE | gzip",
        "SSH-2.0-OpenSSH\\r\\n\\r\\n | SYNTAX | did not answer in HTTP/1.1",
        "HTTP/1.1 2000 OK\\r\\n\\r\\n | SYNTAX | did not answer in HTTP/1.1",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\n folded\\r\\n\\r\\n | SYNTAX | not name: value",
        "HTTP/1.1 200 OK\\r\\nContent Type: text/plain\\r\\n\\r\\n | SYNTAX | not name: value",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd | SYNTAX | two different",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: -3\\r\\n\\r\\n | SYNTAX | Content-Length",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 10\\r\\n\\r\\nabc | SYNTAX | after 3 of 10",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | SYNTAX | only chunked",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n | SYNTAX | not a number",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3\\r\\nabcdef\\r\\n0\\r\\n\\r\\n | SYNTAX | longer than its size",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n10\\r\\nabc | SYNTAX | inside a chunk",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\n | SYNTAX | before the response ended",
        "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 201\\r\\n\\r\\n | SIZE | announces 201 bytes, more than the limit of 200 bytes",
    })
    void refusesWhatBreaksARule(String response, StsFailure kind, String detailPart) throws IOException {
        StsPolicyFetch.Failed failed = assertInstanceOf(StsPolicyFetch.Failed.class, read(response.replace("\\r\\n", "\r\n")));
        assertEquals(kind, failed.kind(), failed.detail());
        assertTrue(failed.detail().contains(detailPart.strip()), failed.detail());
    }

    @Test
    void aBodyAtTheLimitIsReadAndOneByteMoreIsNotInAnyFraming() throws IOException {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n";
        String exact = "x".repeat(LIMIT);
        String over = "x".repeat(LIMIT + 1);

        assertInstanceOf(StsPolicyFetch.Parsed.class, read(head + "Content-Length: " + LIMIT + "\r\n\r\n" + exact));
        assertInstanceOf(StsPolicyFetch.Parsed.class, read(head + "\r\n" + exact));
        assertInstanceOf(StsPolicyFetch.Parsed.class, read(head + "Transfer-Encoding: chunked\r\n\r\n"
                + "64\r\n" + exact.substring(0, 100) + "\r\n64\r\n" + exact.substring(100) + "\r\n0\r\n\r\n"));
        assertSize(read(head + "Content-Length: " + (LIMIT + 1) + "\r\n\r\n" + over));
        assertSize(read(head + "\r\n" + over));
        assertSize(read(head + "Transfer-Encoding: chunked\r\n\r\n64\r\n" + over.substring(0, 100) + "\r\n65\r\n"
                + over.substring(100) + "\r\n0\r\n\r\n"));
    }

    @Test
    void stopsReadingAtTheLimit() throws IOException {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n";
        OneByteAtATime in = new OneByteAtATime(head + "x".repeat(1_000_000));

        assertSize(reader.read(in, "mta-sts.example.test"));
        assertEquals(head.length(), in.consumed(), "nothing of the announced body is read");

        String chunkedHead = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
        in = new OneByteAtATime(chunkedHead + "f4240\r\n" + "x".repeat(1_000_000) + "\r\n0\r\n\r\n");
        assertSize(reader.read(in, "mta-sts.example.test"));
        assertEquals(chunkedHead.length() + 7, in.consumed(), "nothing of the oversized chunk is read");
    }

    @Test
    void aHeadLargerThanItsLimitIsRefusedWhileReading() throws IOException {
        String response = "HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(5000) + "\r\n\r\n";
        OneByteAtATime in = new OneByteAtATime(response);

        StsPolicyFetch.Failed failed = assertInstanceOf(StsPolicyFetch.Failed.class, reader.read(in, "mta-sts.example.test"));

        assertEquals(StsFailure.SIZE, failed.kind());
        assertTrue(failed.detail().contains("larger than 1024 bytes"), failed.detail());
        assertEquals(1025, in.consumed());
    }

    @Test
    void hostileTextInDetailsIsEscaped() throws IOException {
        StsPolicyFetch.Failed failed = assertInstanceOf(StsPolicyFetch.Failed.class,
                read("HTTP/1.1 200 OK\r\nContent-Type: text/html\u001b[31m\u00ff\r\n\r\n"));

        assertTrue(failed.detail().contains("text/html\\u001b[31m\\u00ff"), failed.detail());
    }

    private static void assertSize(StsPolicyFetch fetch) {
        StsPolicyFetch.Failed failed = assertInstanceOf(StsPolicyFetch.Failed.class, fetch);
        assertEquals(StsFailure.SIZE, failed.kind(), failed.detail());
        assertTrue(failed.detail().contains("more than the limit of " + LIMIT + " bytes"), failed.detail());
    }

    /** A stream that gives at most one byte per read and counts what was taken. */
    private static final class OneByteAtATime extends InputStream {
        private final ByteArrayInputStream bytes;
        private int consumed;

        OneByteAtATime(String text) {
            this.bytes = new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public int read() {
            int b = bytes.read();
            if (b >= 0) {
                consumed++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            int b = read();
            if (b < 0) {
                return -1;
            }
            buffer[offset] = (byte) b;
            return 1;
        }

        int consumed() {
            return consumed;
        }
    }
}
