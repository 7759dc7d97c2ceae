package org.starttls.policyd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.engine.LocalOverride;
import org.starttls.policyd.core.engine.OverridePolicy;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.core.list.MxPattern;

class OverridesFileTest {
    /** The issue's example, as admins and scripts may rely on it. */
    static final String ISSUE_EXAMPLE = """
            partner.example:            # exact domain; ".example.org" = its subdomains
              policy: secure            # secure | dane-only | dane | encrypt | none
              match: [mx1.partner.example, .mail.partner.example]   # secure only
              reason: "their MTA-STS policy is wrong, ticket 4711"
              expires: 2027-01-31       # optional
            broken.example:
              policy: none
              reason: "certificate expired, they are fixing it"
            """;

    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path file = dir.resolve("overrides.yaml");
        Files.writeString(file, text);
        return file;
    }

    private String refusal(String text) throws Exception {
        Path file = write(text);
        ConfigException e = assertThrows(ConfigException.class, () -> OverridesFile.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage().substring(file.toString().length() + 2);
    }

    @Test
    void readsTheIssuesExample() throws Exception {
        Overrides overrides = OverridesFile.read(write(ISSUE_EXAMPLE));

        assertEquals(List.of(
                new LocalOverride("partner.example", OverridePolicy.SECURE,
                        List.of(MxPattern.of("mx1.partner.example"), MxPattern.of(".mail.partner.example")),
                        "their MTA-STS policy is wrong, ticket 4711", LocalDate.of(2027, 1, 31), 1),
                new LocalOverride("broken.example", OverridePolicy.NONE, List.of(),
                        "certificate expired, they are fixing it", null, 6)), overrides.entries());
    }

    @Test
    void theSampleFileIsAllCommentsAndTheCommentedExampleReads() throws Exception {
        Path sample = Path.of("..", "deploy", "overrides.yaml");
        assertTrue(OverridesFile.read(sample).isEmpty());
        List<String> lines = Files.readAllLines(sample);
        // The example starts at its first entry and runs to the end of the file.
        String uncommented = String.join("\n", lines.subList(lines.indexOf("# partner.example:"), lines.size()).stream()
                .map(line -> line.replaceFirst("^# ?", "")).toList());
        Overrides example = OverridesFile.read(write(uncommented));
        assertEquals(List.of("partner.example", "broken.example", ".internal.example"),
                example.entries().stream().map(LocalOverride::name).toList());
    }

    @Test
    void namesAreNormalisedAndParentsKeepTheirDot() throws Exception {
        Overrides overrides = OverridesFile.read(write("""
                Partner.EXAMPLE:
                  policy: dane-only
                  reason: r
                .Example.ORG:
                  policy: encrypt
                  reason: r
                """));
        assertEquals(List.of("partner.example", ".example.org"),
                overrides.entries().stream().map(LocalOverride::name).toList());
        assertEquals(".example.org", overrides.find("a.b.example.org", Instant.parse("2030-01-01T00:00:00Z")).name());
        assertNull(overrides.find("example.org", Instant.parse("2030-01-01T00:00:00Z")));
    }

    @Test
    void emptyOrCommentsOnlyMeansNoOverrides() throws Exception {
        assertTrue(OverridesFile.read(write("")).isEmpty());
        assertTrue(OverridesFile.read(write("# nothing yet\n")).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key        | a.example:\\n  policy: none\\n  reason: r\\n  mode: enforce\\n | line 4: a.example: unknown key "mode"
            bad policy         | a.example:\\n  policy: verify\\n  reason: r\\n                 | line 2: a.example.policy: "verify" is not secure, dane-only, dane, encrypt or none
            no reason          | a.example:\\n  policy: none\\n                              | line 1: a.example: reason is missing
            empty reason       | a.example:\\n  policy: none\\n  reason: ""\\n                | line 3: a.example.reason: give one line
            null reason        | a.example:\\n  policy: none\\n  reason:\\n                  | line 3: a.example.reason: the value is empty
            no policy          | a.example:\\n  reason: r\\n                                 | line 1: a.example: policy is missing
            secure no match    | a.example:\\n  policy: secure\\n  reason: r\\n                 | line 1: a.example: a secure override needs match
            match not secure   | a.example:\\n  policy: none\\n  reason: r\\n  match: [mx.a.example]\\n | line 4: a.example.match: only a secure override takes match patterns
            empty match        | a.example:\\n  policy: secure\\n  reason: r\\n  match: []\\n    | line 4: a.example.match: the list is empty
            match not a list   | a.example:\\n  policy: secure\\n  reason: r\\n  match: mx.a.example\\n | line 4: a.example.match: give a list
            address in match   | a.example:\\n  policy: secure\\n  reason: r\\n  match: [mx.a.example, 192.0.2.1]\\n | line 4: a.example.match: "192.0.2.1" is an address
            bracketed match    | a.example:\\n  policy: secure\\n  reason: r\\n  match:\\n    - mx.a.example\\n    - "[192.0.2.1]"\\n | line 6: a.example.match: "[192.0.2.1]" is an address
            bad host in match  | a.example:\\n  policy: secure\\n  reason: r\\n  match: [mx_1.a.example]\\n | line 4: a.example.match: "mx_1.a.example" is not a host name
            single label match | a.example:\\n  policy: secure\\n  reason: r\\n  match: [localhost]\\n | line 4: a.example.match: "localhost" is not a fully qualified host name
            bad date           | a.example:\\n  policy: none\\n  reason: r\\n  expires: 31.01.2027\\n | line 4: a.example.expires: "31.01.2027" is not a date YYYY-MM-DD
            impossible date    | a.example:\\n  policy: none\\n  reason: r\\n  expires: 2027-02-30\\n | line 4: a.example.expires: "2027-02-30" is not a date
            bad domain         | a_b.example:\\n  policy: none\\n  reason: r\\n                 | line 1: "a_b.example" is not a domain
            duplicate domain   | a.example:\\n  policy: none\\n  reason: r\\na.example:\\n  policy: none\\n  reason: s\\n | line 4: "a.example" is given twice
            same after case    | a.example:\\n  policy: none\\n  reason: r\\nA.Example:\\n  policy: none\\n  reason: s\\n | line 4: a.example is given twice (also line 1)
            duplicate key      | a.example:\\n  policy: none\\n  reason: r\\n  policy: dane\\n | line 4: "policy" is given twice
            not a mapping      | - a.example\\n                                              | line 1: the file must map domains to overrides
            entry not a map    | a.example: none\\n                                          | line 1: a.example: give its policy and reason under it
            policy as a list   | a.example:\\n  policy: [none]\\n  reason: r\\n               | line 2: a.example.policy: give one value
            control in reason  | "a.example:\\n  policy: none\\n  reason: \\"a\\\\tb\\"\\n"       | line 3: a.example.reason: give one line
            """)
    void refusesWithFileAndLine(String what, String text, String expected) throws Exception {
        String yaml = text.strip().replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\t", "\\t");
        if (yaml.startsWith("\"") && yaml.endsWith("\"")) {
            yaml = yaml.substring(1, yaml.length() - 1);
        }
        String message = refusal(yaml);
        assertTrue(message.startsWith(expected.strip()), what + ": " + message);
    }

    @Test
    void aRefusedFileRefusesTheWholeConfiguration() throws Exception {
        Path file = write("a.example:\n  policy: maybe\n  reason: r\n");
        PolicydConfig config = new PolicydConfig();
        config.overrides.file = file.toString();
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonSettings.from(config, null));
        assertTrue(e.getMessage().contains(file + ": line 2: "), e.getMessage());
    }

    @Test
    void aMissingFileIsRefusedAndAnEmptySettingMeansNone() throws Exception {
        PolicydConfig config = new PolicydConfig();
        assertTrue(DaemonSettings.from(config, null).overrides().isEmpty());
        config.overrides.file = dir.resolve("missing.yaml").toString();
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonSettings.from(config, null));
        assertTrue(e.getMessage().endsWith("missing.yaml: no such file"), e.getMessage());
    }

    @Test
    void aFileTooLargeIsRefused() throws Exception {
        Path file = write("# " + "x".repeat(ConfigLoader.MAX_CONFIG_BYTES) + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> OverridesFile.read(file));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void warnsAWeekBeforeAndAfterExpiry() throws Exception {
        Overrides overrides = OverridesFile.read(write(ISSUE_EXAMPLE));
        assertEquals(List.of(), OverrideWarnings.of(overrides, Instant.parse("2027-01-24T00:00:00Z")));
        List<String> soon = OverrideWarnings.of(overrides, Instant.parse("2027-01-25T00:00:00Z"));
        assertEquals(1, soon.size());
        assertTrue(soon.get(0).contains("partner.example (line 1, secure) stops applying after 2027-01-31"), soon.get(0));
        List<String> past = OverrideWarnings.of(overrides, Instant.parse("2027-02-01T00:00:00Z"));
        assertTrue(past.get(0).contains("expired on 2027-01-31 and no longer applies"), past.get(0));
    }
}
