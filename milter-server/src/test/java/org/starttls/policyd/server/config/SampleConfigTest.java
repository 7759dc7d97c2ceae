package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** deploy/policyd.yaml is what admins copy: it must name every key, each with its default. */
class SampleConfigTest {
    private static final Path SAMPLE = Path.of("..", "deploy", "policyd.yaml");
    private static final Pattern SECTION = Pattern.compile("^([a-z][a-z-]*):");
    /** A key of a section, written out or commented out: "  refresh-hours: 6", "  # url: https://...". */
    private static final Pattern KEY = Pattern.compile("^  (?:# )?([a-z][a-z-]*):");

    @Test
    void everyKeyOfEverySectionIsInTheSample() throws IOException {
        Map<String, Set<String>> documented = documentedKeys(Files.readAllLines(SAMPLE));
        List<String> missing = new ArrayList<>();
        for (Field section : PolicydConfig.class.getFields()) {
            if (Modifier.isStatic(section.getModifiers())) {
                continue; // a constant (the default listen addresses), not a section
            }
            String sectionName = section.getAnnotation(JsonProperty.class).value();
            for (Field key : section.getType().getFields()) {
                String keyName = key.getAnnotation(JsonProperty.class).value();
                if (!documented.getOrDefault(sectionName, Set.of()).contains(keyName)) {
                    missing.add(sectionName + "." + keyName);
                }
            }
        }
        assertEquals(List.of(), missing, "keys missing from " + SAMPLE);
    }

    @Test
    void everyValueWrittenInTheSampleIsTheDefault() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.valueToTree(new PolicydConfig()), json.valueToTree(ConfigLoader.load(SAMPLE)));
    }

    @Test
    void theKeyPatternSeesCommentedOutKeysButNotProse() {
        Map<String, Set<String>> keys = documentedKeys(List.of("list:", "  # url: https://x", "  # Default: the embedded",
                "  state-dir: /var/lib/x", "policy:", "  #   enforce-nothing  EFF's rule"));
        assertEquals(Map.of("list", Set.of("url", "state-dir"), "policy", Set.of()), keys);
        assertTrue(keys.get("list").contains("url"));
    }

    private static Map<String, Set<String>> documentedKeys(List<String> lines) {
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        Set<String> current = null;
        for (String line : lines) {
            Matcher section = SECTION.matcher(line);
            Matcher key = KEY.matcher(line);
            if (section.find()) {
                current = keys.computeIfAbsent(section.group(1), name -> new LinkedHashSet<>());
            } else if (current != null && key.find()) {
                current.add(key.group(1));
            }
        }
        return keys;
    }
}
