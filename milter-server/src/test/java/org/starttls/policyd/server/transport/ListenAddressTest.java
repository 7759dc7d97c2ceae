package org.starttls.policyd.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenAddressTest {
    @Test
    void parsesTheThreeForms() {
        ListenAddress v4 = ListenAddress.parse("127.0.0.1:8461");
        assertEquals("127.0.0.1", v4.host());
        assertEquals(8461, v4.port());
        assertFalse(v4.isUnix());
        ListenAddress v6 = ListenAddress.parse("[::1]:0");
        assertEquals("::1", v6.host());
        assertEquals(0, v6.port());
        assertEquals("[::1]:0", v6.toString());
        ListenAddress unix = ListenAddress.parse("unix:/run/policyd/socketmap.sock");
        assertTrue(unix.isUnix());
        assertEquals(Path.of("/run/policyd/socketmap.sock"), unix.unixPath());
        assertEquals(ListenAddress.parse("localhost:25"), ListenAddress.parse(ListenAddress.parse("localhost:25").toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                   | it is empty",
        "127.0.0.1            | expected HOST:PORT",
        ":8461                | the host is missing",
        "127.0.0.1:           | is not a number",
        "127.0.0.1:65536      | between 0 and 65535",
        "127.0.0.1:-1         | is not a number",
        "127.0.0.1:80a        | is not a number",
        "::1:8461             | must be written in brackets",
        "[::1:8461            | no closing ]",
        "[::1]8461            | expected :PORT after the ]",
        "[127.0.0.1]:25       | brackets are for IPv6",
        "unix:                | socket path is missing",
        "unix:relative.sock   | must be absolute",
    })
    void refusesWithAClearMessage(String text, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(text));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void refusesAUnixPathTooLongForTheKernel() {
        String path = "/" + "d".repeat(ListenAddress.MAX_UNIX_PATH_BYTES);
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("unix:" + path));
    }

    @Test
    void parsesSocketModes() {
        assertEquals(PosixFilePermissions.fromString("rw-------"), TransportSettings.parseMode("0600"));
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), TransportSettings.parseMode("660"));
        assertThrows(IllegalArgumentException.class, () -> TransportSettings.parseMode("0800"));
        assertThrows(IllegalArgumentException.class, () -> TransportSettings.parseMode("rw"));
    }
}
