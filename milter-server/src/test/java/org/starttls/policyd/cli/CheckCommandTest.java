package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls.policyd.server.check.CheckWorld;
import org.starttls.policyd.server.probe.ProbeFixture;

/**
 * {@code policyctl check} in the local world: one domain per kind of MX and of MTA-STS, each with
 * the verdict, the list entry and the reason it should get; the exit codes; the text form.
 */
class CheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static CheckWorld world;
    private static final Map<String, JsonNode> RESULTS = new HashMap<>();

    @BeforeAll
    static void checkEveryDomainOnce() throws Exception {
        world = new CheckWorld(dir);
        List<String> domains = verdicts().map(arguments -> (String) arguments.get()[0]).toList();
        OwnLists.Run run = check(Stream.concat(Stream.of("--json"), domains.stream()).toArray(String[]::new));
        assertEquals(ExitCodes.NOT_ELIGIBLE, run.exit(), run::toString);
        for (JsonNode result : JSON.readTree(run.out()).get("domains")) {
            RESULTS.put(result.get("domain").asText(), result);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    static OwnLists.Run check(String... args) {
        List<String> all = world.options();
        all.add(0, "check");
        all.addAll(List.of(args));
        return OwnLists.policyctl(Clock.systemUTC(), all.toArray(String[]::new));
    }

    /** Domain, verdict, entry patterns (empty: no entry), a phrase the reasons must contain (empty: no reason). */
    static Stream<Arguments> verdicts() {
        return Stream.of(
                Arguments.of(CheckWorld.GOOD, "enforce", ProbeFixture.GOOD, ""),
                Arguments.of(CheckWorld.STS_ENFORCE, "enforce", ".mx.test", ""),
                Arguments.of(CheckWorld.STS_TESTING, "testing", ProbeFixture.GOOD, "MTA-STS policy is in testing mode"),
                Arguments.of(CheckWorld.STS_UNCOVERED, "testing", "mx.elsewhere.test",
                        "good.mx.test is not covered by the MTA-STS policy"),
                Arguments.of(CheckWorld.STS_BROKEN, "testing", ProbeFixture.GOOD, "MTA-STS is published but unusable"),
                Arguments.of(CheckWorld.STS_DNS_FAILS, "not-eligible", "", "MTA-STS could not be checked"),
                Arguments.of(CheckWorld.STS_NONE, "not-eligible", "", "mode is none"),
                Arguments.of(CheckWorld.PLAIN, "not-eligible", "", "starttls-not-supported"),
                Arguments.of(CheckWorld.BROKEN_TLS, "not-eligible", "", "validation-failure"),
                Arguments.of(CheckWorld.LEGACY_TLS, "not-eligible", "", "legacy.mx.test: validation-failure (TLS handshake "
                        + "failed (TLS 1.2 or newer required): The server selected protocol version TLS11"),
                Arguments.of(CheckWorld.WRONG_NAME, "testing", ProbeFixture.WRONG_NAME, "certificate-host-mismatch"),
                Arguments.of(CheckWorld.EXPIRED, "testing", ProbeFixture.EXPIRED, "certificate-expired"),
                Arguments.of(CheckWorld.UNTRUSTED, "testing", ProbeFixture.SELF_SIGNED, "certificate-not-trusted"),
                Arguments.of(CheckWorld.DARK, "not-eligible", "", "could be reached"),
                Arguments.of(CheckWorld.MIXED, "not-eligible", "", "plain.mx.test: starttls-not-supported"),
                Arguments.of(CheckWorld.HALF_DARK, "testing", ProbeFixture.GOOD, "silent.mx.test: unreachable"),
                Arguments.of(CheckWorld.MISSING, "not-eligible", "", "NXDOMAIN"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("verdicts")
    void eachKindOfDomainGetsItsVerdictEntryAndReason(String domain, String verdict, String patterns, String reason) {
        JsonNode result = RESULTS.get(domain);
        assertEquals(verdict, result.get("verdict").asText(), result::toPrettyString);
        if (patterns.isEmpty()) {
            assertTrue(result.get("entry").isNull(), result::toPrettyString);
        } else {
            assertEquals(verdict, result.get("entry").get("mode").asText());
            assertEquals(List.of(patterns.split(" ")), Stream.of(JSON.convertValue(result.get("entry").get("mxs"),
                    String[].class)).toList(), result::toPrettyString);
        }
        String reasons = result.get("reasons").toString();
        if (reason.isEmpty()) {
            assertEquals("[]", reasons);
        } else {
            assertTrue(reasons.contains(reason), reasons);
        }
    }

    @Test
    void eachMxShowsWhatTheProbeSawAndWhetherDaneIsPublished() {
        JsonNode mixed = RESULTS.get(CheckWorld.MIXED).get("mxs");
        assertEquals(ProbeFixture.GOOD, mixed.get(0).get("name").asText());
        assertEquals("ok", mixed.get(0).get("result").asText());
        assertTrue(mixed.get(0).get("tls_version").asText().matches("TLSv1\\.[23]"), mixed::toPrettyString);
        assertEquals("CN=" + ProbeFixture.GOOD, mixed.get(0).get("certificate").get("subject").asText());
        assertTrue(mixed.get(0).get("dane").asBoolean(), "good.mx.test has a TLSA record");
        assertEquals(ProbeFixture.PLAIN, mixed.get(1).get("name").asText());
        assertFalse(mixed.get(1).get("starttls").asBoolean());
        assertFalse(mixed.get(1).get("dane").asBoolean());
        JsonNode sts = RESULTS.get(CheckWorld.STS_ENFORCE).get("mta_sts");
        assertEquals("policy", sts.get("state").asText());
        assertEquals("[\"*.mx.test\"]", sts.get("mx").toString());
        assertEquals("not-published", RESULTS.get(CheckWorld.GOOD).get("mta_sts").get("state").asText());
    }

    @Test
    void exitCodesSayTheWorstVerdict() {
        assertEquals(ExitCodes.OK, check(CheckWorld.GOOD, CheckWorld.STS_ENFORCE).exit());
        assertEquals(ExitCodes.TESTING_ONLY, check(CheckWorld.GOOD, CheckWorld.WRONG_NAME).exit());
        assertEquals(ExitCodes.NOT_ELIGIBLE, check(CheckWorld.WRONG_NAME, CheckWorld.PLAIN).exit());
        OwnLists.Run partial = check(CheckWorld.GOOD, "not a domain");
        assertEquals(ExitCodes.PARTIAL, partial.exit(), partial::toString);
        assertTrue(partial.err().startsWith("ERROR: "), partial.err());
    }

    @Test
    void theTextFormSaysTheVerdictTheEntryAndEachMx() {
        OwnLists.Run run = check(CheckWorld.MIXED);

        assertTrue(run.out().startsWith("mixed.test: not eligible\n"), run.out());
        assertTrue(run.out().contains("  MX good.mx.test (preference 10): ok, "), run.out());
        assertTrue(run.out().contains("DANE TLSA yes"), run.out());
        assertTrue(run.out().contains("  reason: plain.mx.test: starttls-not-supported"), run.out());
        OwnLists.Run good = check(CheckWorld.STS_ENFORCE);
        assertTrue(good.out().startsWith("sts-enforce.test: eligible for enforce\n  list entry: enforce, mxs .mx.test\n"),
                good.out());
    }

    @Test
    void theResolverAndBothTrustStoresComeFromTheConfigurationFile() throws Exception {
        Path config = java.nio.file.Files.writeString(dir.resolve("policyd.yaml"), "dns:\n  resolver: \""
                + world.mxes.dns.resolverSetting() + "\"\nmta-sts:\n  trust-store: " + world.trustBundle
                + "\nprobe:\n  trust-store: " + world.trustBundle + "\n");
        List<String> options = world.options();
        int resolver = options.indexOf("--resolver");
        options.subList(resolver, resolver + 2).clear();
        int trust = options.indexOf("--trust-store");
        options.subList(trust, trust + 2).clear();
        options.addAll(0, List.of("check", "--config", config.toString()));
        options.addAll(List.of(CheckWorld.GOOD, CheckWorld.STS_ENFORCE));

        OwnLists.Run run = OwnLists.policyctl(Clock.systemUTC(), options.toArray(String[]::new));

        assertEquals(ExitCodes.OK, run.exit(), run::toString);
    }

    @Test
    void aBadPortIsAUsageError() {
        OwnLists.Run run = OwnLists.policyctl(Clock.systemUTC(), "check", "--sts-port", "0", CheckWorld.GOOD);
        assertEquals(ExitCodes.USAGE, run.exit(), run::toString);
    }
}
