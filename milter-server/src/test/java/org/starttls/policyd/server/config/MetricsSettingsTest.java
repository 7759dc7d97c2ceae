package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The metrics: section: on by default on loopback port 9464; never off loopback. */
class MetricsSettingsTest {
    @Test
    void enabledByDefaultOnLoopback9464() throws Exception {
        DaemonSettings settings = DaemonSettings.from(new PolicydConfig(), null);
        assertEquals("127.0.0.1", settings.metrics().host());
        assertEquals(9464, settings.metrics().port());
    }

    @Test
    void disabledMeansNoAddress() throws Exception {
        PolicydConfig config = new PolicydConfig();
        config.metrics.enabled = false;
        assertNull(DaemonSettings.from(config, null).metrics());
    }

    @Test
    void aNonLoopbackOrUnixAddressIsRefused() {
        for (String listen : new String[] {"0.0.0.0:9464", "192.0.2.1:9464", "unix:/run/policyd-metrics"}) {
            PolicydConfig config = new PolicydConfig();
            config.metrics.listen = listen;
            ConfigException e = assertThrows(ConfigException.class, () -> DaemonSettings.from(config, null), listen);
            assertTrue(e.getMessage().startsWith("command line: metrics.listen: must be a loopback"), e.getMessage());
        }
    }
}
