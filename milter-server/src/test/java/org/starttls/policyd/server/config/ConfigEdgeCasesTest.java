package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration files that once got past the loader or crashed it: each is a clear refusal now. */
class ConfigEdgeCasesTest {
    @TempDir
    Path dir;

    private String refusal(String yaml) throws IOException {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        String message = assertThrows(ConfigException.class, () -> DaemonSettings.from(ConfigLoader.load(file), file))
                .getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        return message;
    }

    private DaemonSettings settings(String yaml) throws Exception {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        return DaemonSettings.from(ConfigLoader.load(file), file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "policy", "socketmap", "policy-service", "milter", "admin", "limits", "metrics",
        "probe"})
    void anEmptySectionIsRefusedWithItsKeyAndLine(String section) throws Exception {
        for (String yaml : new String[] {section + ": ~\n", "# a comment\n" + section + ":\n", section + ": null\n"}) {
            String message = refusal(yaml);
            assertTrue(message.contains(section + ": the section is empty"), message);
            assertTrue(message.contains("line "), message);
        }
    }

    @Test
    void anEmptyMapsKeyIsRefusedButAnEmptyNamedMapMeansDefaults() throws Exception {
        String message = refusal("socketmap:\n  maps:\n");
        assertTrue(message.contains("socketmap.maps: the section is empty"), message);
        assertTrue(settings("socketmap:\n  maps:\n    early:\n").socketmap().named().containsKey("early"));
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsLine() throws Exception {
        String top = refusal("list:\n  refresh-hours: 6\nlist:\n  url: https://lists.example/policy.json\n");
        assertTrue(top.contains("line 3"), top);
        assertTrue(top.contains("\"list\" is given twice"), top);

        String nested = refusal("socketmap:\n  listen: 127.0.0.1:5461\n  enabled: true\n  listen: 0.0.0.0:5461\n");
        assertTrue(nested.contains("line 4"), nested);
        assertTrue(nested.contains("\"socketmap.listen\" is given twice"), nested);
    }

    @Test
    void refreshHoursBelowAQuarterOfAnHourAreRefused() throws Exception {
        String message = refusal("list:\n  refresh-hours: 0.0001\n");
        assertTrue(message.contains("list.refresh-hours: 1.0E-4 is not between 0.25 (15 minutes) and 168 hours"),
                message);
        assertEquals(Duration.ofMinutes(15), settings("list:\n  refresh-hours: 0.25\n").source().refreshInterval());
    }
}
