package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.server.config.ConfigLoader;
import org.starttls.policyd.server.config.DaemonSettings;

/** The DNS client and MTA-STS resolver are built once: a reload names their changed keys and keeps them as started. */
class RestartNeededStsTest {
    @TempDir
    Path dir;

    private DaemonSettings settings(String yaml) throws Exception {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        return DaemonSettings.from(ConfigLoader.load(file), file);
    }

    @Test
    void everyDnsAndMtaStsKeyNeedsARestart() throws Exception {
        DaemonSettings started = settings("");
        DaemonSettings next = settings("""
                dns:
                  resolver: 127.0.0.1:5353
                  timeout-ms: 1000
                mta-sts:
                  enabled: false
                  txt-recheck-seconds: 60
                  cache-size: 10
                socketmap:
                  maps:
                    slow:
                      sts-wait-seconds: 60
                """);
        List<String> keys = RestartNeeded.between(started, next);
        assertEquals(List.of("probe", "socketmap.maps.*.sts-wait-seconds", "dns.resolver", "dns.timeout-ms", "mta-sts.enabled",
                "mta-sts.txt-recheck-seconds", "mta-sts.cache-size"), keys);

        DaemonSettings inForce = RestartNeeded.inForce(started, next);
        assertEquals(started.dns(), inForce.dns());
        assertEquals(started.mtaSts(), inForce.mtaSts());
        assertTrue(inForce.socketmap().named().containsKey("slow"), "map settings themselves apply at once");
    }
}
