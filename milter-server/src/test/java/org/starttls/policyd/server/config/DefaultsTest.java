package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.fetcher.FetchSettings;
import org.starttls.policyd.fetcher.RefreshSettings;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.probe.ProbeSettings;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * Each default has one source: an empty configuration gives the typed settings' defaults
 * ({@code SampleConfigTest} holds deploy/policyd.yaml to the same defaults).
 */
class DefaultsTest {
    @Test
    void anEmptyConfigurationGivesTheTypedDefaults() throws Exception {
        DaemonSettings settings = DaemonSettings.from(new PolicydConfig(), null);
        assertEquals(TransportSettings.DEFAULTS, settings.transport());
        assertEquals(EngineSettings.DEFAULTS, settings.engine());
        assertEquals(SocketmapMapSettings.DEFAULTS.withEngineSettings(EngineSettings.DEFAULTS), settings.socketmap().defaults());
        assertEquals(PolicyServiceSettings.DEFAULTS, settings.policyService().settings());
        // The config's empty ehlo-name means this host's name, which the typed default cannot know.
        assertEquals(ProbeSettings.DISABLED, settings.probe().withEhloName(ProbeSettings.DISABLED.ehloName()));
        assertEquals(StateDirectory.DEFAULT_PATH, settings.source().stateDir());
        assertEquals(RefreshSettings.DEFAULTS.interval(), settings.source().refreshInterval());
        assertEquals(FetchSettings.DEFAULT_MAX_LIST_BYTES, settings.source().maxBytes());
        assertEquals(FetchSettings.DEFAULTS.readTimeout(), settings.source().timeout());
    }
}
