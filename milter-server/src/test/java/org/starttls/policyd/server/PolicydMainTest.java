package org.starttls.policyd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;

/** How policyd reads its configuration file at start and on reload. */
class PolicydMainTest {
    @TempDir
    Path dir;

    private PolicydMain withConfig(String content) throws Exception {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, content);
        PolicydMain main = new PolicydMain(Clock.systemUTC());
        main.config = file;
        return main;
    }

    @Test
    void anEmptyFileMeansTheDefaultsAtStart() throws Exception {
        DaemonSettings settings = withConfig("").readSettings(false);

        assertNull(settings.source().url());
        assertEquals(DaemonSettings.WhileUnverified.TEMPFAIL, settings.source().whileUnverified());
    }

    @Test
    void anEmptyOrCommentOnlyFileIsRefusedOnReload() throws Exception {
        ConfigException empty = assertThrows(ConfigException.class, () -> withConfig("").readSettings(true));
        assertTrue(empty.getMessage().contains("is empty"), empty.getMessage());
        assertThrows(ConfigException.class, () -> withConfig("# all commented out\n").readSettings(true));
    }

    @Test
    void aFileWithSettingsReadsTheSameAtStartAndOnReload() throws Exception {
        PolicydMain main = withConfig("list:\n  url: https://lists.example/policy.json\n  while-unverified: embedded-default\n");

        assertEquals(main.readSettings(false), main.readSettings(true));
        assertEquals(DaemonSettings.WhileUnverified.EMBEDDED_DEFAULT, main.readSettings(true).source().whileUnverified());
    }

    @Test
    void anUnknownWhileUnverifiedValueIsRefusedWithTheChoices() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> withConfig("list:\n  while-unverified: notfound\n").readSettings(false));
        assertTrue(e.getMessage().contains("list.while-unverified: \"notfound\" is not tempfail or embedded-default"),
                e.getMessage());
    }
}
