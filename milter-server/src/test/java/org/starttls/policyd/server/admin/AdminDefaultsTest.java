package org.starttls.policyd.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.transport.ListenAddress;

/** Where the admin socket is by default, and how its directory is made ready. */
class AdminDefaultsTest {
    @TempDir
    Path dir;

    private AdminDefaults defaults(Path system, Map<String, String> env) {
        return new AdminDefaults(system, env::get, dir.resolve("tmp"), "alice");
    }

    @Test
    void theSystemRuntimeDirectoryWinsWhenItExists() throws IOException {
        Path system = Files.createDirectory(dir.resolve("run-starttls-policyd"));
        Path xdg = Files.createDirectory(dir.resolve("xdg"));
        assertEquals(ListenAddress.unix(system.resolve("admin.sock")),
                defaults(system, Map.of("XDG_RUNTIME_DIR", xdg.toString())).resolve());
    }

    @Test
    void elseTheUsersRuntimeDirectoryElseAPrivateDirectoryInTmp() throws IOException {
        Path missing = dir.resolve("no-such-run");
        Path xdg = Files.createDirectory(dir.resolve("xdg"));
        assertEquals(ListenAddress.unix(xdg.resolve("starttls-policyd/admin.sock")),
                defaults(missing, Map.of("XDG_RUNTIME_DIR", xdg.toString())).resolve());
        assertEquals(ListenAddress.unix(dir.resolve("tmp/starttls-policyd-alice/admin.sock")),
                defaults(missing, Map.of()).resolve());
        assertEquals(ListenAddress.unix(dir.resolve("tmp/starttls-policyd-alice/admin.sock")),
                defaults(missing, Map.of("XDG_RUNTIME_DIR", "relative/dir")).resolve(), "an unusable XDG_RUNTIME_DIR");
    }

    @Test
    void theConfigDefaultIsTheSameAddress() {
        assertEquals(AdminDefaults.address().toString(), new PolicydConfig().admin.listen);
        assertTrue(AdminDefaults.address().isUnix());
    }

    @Test
    void aMissingDirectoryIsCreatedOwnerOnly() throws IOException {
        Path socketDir = dir.resolve("xdg/starttls-policyd");
        Files.createDirectory(dir.resolve("xdg"));
        AdminDefaults.prepareDirectory(socketDir, dir.resolve("tmp"));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(socketDir));
        AdminDefaults.prepareDirectory(socketDir, dir.resolve("tmp")); // an existing one is fine
    }

    @Test
    void aDirectoryInTheSharedTmpOpenToOthersIsRefused() throws IOException {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path socketDir = Files.createDirectory(tmp.resolve("starttls-policyd-alice"));
        Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> AdminDefaults.prepareDirectory(socketDir, tmp));
        assertTrue(e.getMessage().contains("open to others"), e.getMessage());
        Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx------"));
        AdminDefaults.prepareDirectory(socketDir, tmp);
        Files.delete(socketDir);
        Files.writeString(socketDir, "a file");
        assertThrows(IOException.class, () -> AdminDefaults.prepareDirectory(socketDir, tmp));
    }
}
