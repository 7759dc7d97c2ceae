package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.fetcher.FetchSettings;
import org.starttls.policyd.fetcher.RefreshSettings;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.server.policy.PolicyServiceSettings;
import org.starttls.policyd.server.probe.ProbeSettings;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.transport.TransportSettings;

/** Each default has one source: the config file's, the typed settings' and the sample's agree. */
class DefaultsTest {
    private static final Path SAMPLE = Path.of("..", "deploy", "policyd.yaml");
    private static final ObjectMapper TREE = new ObjectMapper(new YAMLFactory())
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

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

    @Test
    void theSampleConfigShowsEveryKeyWithItsDefault() throws Exception {
        JsonNode defaults = TREE.valueToTree(new PolicydConfig());
        assertEquals(keys(defaults, ""), keys(TREE.readTree(SAMPLE.toFile()), ""), "keys shown in " + SAMPLE);
        assertEquals(defaults, TREE.valueToTree(ConfigLoader.load(SAMPLE)), "values shown in " + SAMPLE);
    }

    private static TreeSet<String> keys(JsonNode node, String prefix) {
        TreeSet<String> keys = new TreeSet<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            keys.add(key);
            if (field.getValue().isObject()) {
                keys.addAll(keys(field.getValue(), key + "."));
            }
        }
        return keys;
    }
}
