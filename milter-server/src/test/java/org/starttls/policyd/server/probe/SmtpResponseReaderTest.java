package org.starttls.policyd.server.probe;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Replies from a possibly hostile MX: multi-line replies, the line and line-count limits, garbage. */
class SmtpResponseReaderTest {

    private static SmtpResponseReader reader(String text) {
        return new SmtpResponseReader(new ByteArrayInputStream(text.getBytes(ISO_8859_1)));
    }

    @Test
    void readsAMultiLineEhloReplyAndNothingPastIt() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(
                "250-mx.test hello\r\n250-PIPELINING\r\n250-starttls\r\n250 8BITMIME\r\nNEXT".getBytes(ISO_8859_1));

        SmtpResponse reply = new SmtpResponseReader(in).read();

        assertEquals(250, reply.code());
        assertEquals(List.of("mx.test hello", "PIPELINING", "starttls", "8BITMIME"), reply.lines());
        assertTrue(reply.advertises("STARTTLS"));
        assertEquals(4, in.available(), "bytes after the reply stay unread (STARTTLS hands them to TLS)");
    }

    @Test
    void theGreetingLineIsNotAnExtension() throws IOException {
        assertFalse(reader("250 STARTTLS\r\n").read().advertises("STARTTLS"));
        assertFalse(reader("250-mx.test\r\n250 STARTTLSX\r\n").read().advertises("STARTTLS"));
    }

    @Test
    void acceptsBareLineFeedsAndABareCode() throws IOException {
        assertEquals(List.of(""), reader("220\n").read().lines());
    }

    @Test
    void aLineAtTheLimitIsReadAndOneByteMoreIsRefused() throws IOException {
        // the limit counts every byte before the LF, the CR included
        String atLimit = "250 " + "x".repeat(SmtpResponseReader.MAX_LINE_BYTES - 5);
        assertEquals(250, reader(atLimit + "\r\n").read().code());
        assertThrows(SmtpResponseReader.SmtpProtocolException.class, () -> reader(atLimit + "x\r\n").read());
    }

    @Test
    void aReplyAtTheLineCountLimitIsReadAndOneLineMoreIsRefused() throws IOException {
        String atLimit = "250-x\r\n".repeat(SmtpResponseReader.MAX_LINES - 1) + "250 end\r\n";
        assertEquals(SmtpResponseReader.MAX_LINES, reader(atLimit).read().lines().size());
        String over = "250-x\r\n".repeat(SmtpResponseReader.MAX_LINES) + "250 end\r\n";
        assertThrows(SmtpResponseReader.SmtpProtocolException.class, () -> reader(over).read());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello\r\n", "25\r\n", "2500 x\r\n", "250-a\r\n251 b\r\n", "199 x\r\n", "SSH-2.0-OpenSSH\r\n"})
    void somethingElseThanSmtpIsRefused(String text) {
        assertThrows(SmtpResponseReader.SmtpProtocolException.class, () -> reader(text).read());
    }

    @Test
    void aReplyCutShortIsAnEndOfStream() {
        assertThrows(EOFException.class, () -> reader("250-a\r\n250 b").read());
    }
}
