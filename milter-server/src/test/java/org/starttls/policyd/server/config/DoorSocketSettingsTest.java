package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.server.transport.TransportSettings;

/** socket-mode and socket-group of the doors: defaults, validation, and TCP doors that have no socket file. */
class DoorSocketSettingsTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private DaemonSettings settings(String yaml) throws Exception {
        Path file = write(yaml);
        return DaemonSettings.from(ConfigLoader.load(file), file);
    }

    private String refusal(String yaml) throws IOException {
        Path file = write(yaml);
        return assertThrows(ConfigException.class, () -> DaemonSettings.from(ConfigLoader.load(file), file))
                .getMessage();
    }

    private String myGroup() throws IOException {
        return Files.readAttributes(Files.createTempFile(dir, "g", ""), PosixFileAttributes.class).group().getName();
    }

    @Test
    void aUnixDoorSocketIsOwnerAndGroupByDefault() throws Exception {
        DaemonSettings settings = settings("socketmap:\n  listen: unix:/run/starttls-policyd/socketmap.sock\n");
        TransportSettings transport = settings.socketmap().transport();
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), transport.unixSocketMode());
        assertNull(transport.unixSocketGroup(), "the daemon's own group");
        assertEquals(settings.transport().maxConnections(), transport.maxConnections(), "the shared limits");
    }

    @Test
    void eachDoorTakesItsOwnModeAndGroup() throws Exception {
        String group = myGroup();
        DaemonSettings settings = settings("socketmap:\n  listen: unix:/var/spool/postfix/starttls-policyd/socketmap.sock\n"
                + "  socket-mode: \"0640\"\n  socket-group: " + group + "\n"
                + "policy-service:\n  listen: unix:/var/spool/postfix/starttls-policyd/policy.sock\n"
                + "  socket-mode: \"600\"\n"
                + "milter:\n  enabled: true\n  listen: unix:/var/spool/postfix/starttls-policyd/milter.sock\n"
                + "  socket-group: " + group + "\n");
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), settings.socketmap().transport().unixSocketMode());
        assertEquals(group, settings.socketmap().transport().unixSocketGroup());
        assertEquals(PosixFilePermissions.fromString("rw-------"), settings.policyService().transport().unixSocketMode());
        assertNull(settings.policyService().transport().unixSocketGroup());
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), settings.milter().transport().unixSocketMode());
        assertEquals(group, settings.milter().transport().unixSocketGroup());
    }

    @Test
    void badValuesAndSettingsForATcpDoorAreRefusedWithTheKey() throws IOException {
        String mode = refusal("socketmap:\n  listen: unix:/run/x.sock\n  socket-mode: \"0999\"\n");
        assertTrue(mode.contains("socketmap.socket-mode") && mode.contains("0999"), mode);
        String group = refusal("policy-service:\n  listen: unix:/run/x.sock\n  socket-group: no-such-group-here\n");
        assertTrue(group.contains("policy-service.socket-group") && group.contains("no-such-group-here"), group);
        String tcp = refusal("milter:\n  enabled: true\n  listen: 127.0.0.1:5463\n  socket-mode: \"0660\"\n");
        assertTrue(tcp.contains("milter.socket-mode: applies only to a unix:/path listen address"), tcp);
    }
}
