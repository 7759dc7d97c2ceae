package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.PreloadList;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.check.CheckWorld;
import org.starttls.policyd.server.probe.ProbeFixture;

/** {@code policyctl list build} over a mixed set of domains: what goes in, in which mode, and what is skipped. */
class ListBuildCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");

    @TempDir
    static Path dir;
    private static CheckWorld world;

    @BeforeAll
    static void start() throws Exception {
        world = new CheckWorld(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    static OwnLists.Run build(Path domains, Path output, String... extra) {
        List<String> args = world.options();
        args.addAll(0, List.of("list", "build", "--domains", domains.toString(), "--output", output.toString()));
        args.addAll(List.of(extra));
        return OwnLists.policyctl(OwnLists.at(NOW), args.toArray(String[]::new));
    }

    private static Path domains(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<String> patterns(TlsPolicy policy) {
        return policy.mxs().stream().map(MxPattern::asString).toList();
    }

    @Test
    void aMixedSetGivesEnforceAndTestingEntriesAndNamesTheSkippedOnes() throws Exception {
        Path domains = domains("mixed.txt", "# partners\n" + CheckWorld.GOOD + "\n" + CheckWorld.STS_ENFORCE
                + "   # their MTA-STS names *.mx.test\n\n" + CheckWorld.WRONG_NAME + "\n" + CheckWorld.PLAIN + "\n"
                + CheckWorld.MIXED + "\nGOOD.test\n");
        Path output = dir.resolve("policy.json");

        OwnLists.Run run = build(domains, output, "--author", "Example Org <postmaster@example.org>");

        assertEquals(ExitCodes.PARTIAL, run.exit(), run::toString);
        PreloadList list = PreloadListParser.parse(Files.readAllBytes(output));
        assertEquals(3, list.size(), run::toString);
        assertEquals(PolicyMode.ENFORCE, list.lookup(CheckWorld.GOOD).mode());
        assertEquals(List.of(ProbeFixture.GOOD), patterns(list.lookup(CheckWorld.GOOD)));
        assertEquals(List.of(".mx.test"), patterns(list.lookup(CheckWorld.STS_ENFORCE)), "from the MTA-STS policy");
        assertEquals(PolicyMode.TESTING, list.lookup(CheckWorld.WRONG_NAME).mode());
        assertNull(list.lookup(CheckWorld.PLAIN));
        assertNull(list.lookup(CheckWorld.MIXED));
        assertEquals(NOW, list.timestamp());
        assertEquals(NOW.plus(Duration.ofDays(14)), list.expires());
        assertEquals("Example Org <postmaster@example.org>", list.author());
        assertTrue(run.err().contains("SKIPPED plain.test: plain.mx.test: starttls-not-supported"), run.err());
        assertTrue(run.err().contains("SKIPPED mixed.test: "), run.err());
        assertFalse(run.err().contains("SKIPPED good.test"), run.err());
        assertTrue(run.out().startsWith("wrote " + output + ": 3 domains (2 enforce, 1 testing), 2 skipped"), run.out());
    }

    @Test
    void everyDomainEligibleExitsZeroAndValidDaysSetsTheExpiry() throws Exception {
        Path output = dir.resolve("all.json");

        OwnLists.Run run = build(domains("all.txt", CheckWorld.GOOD + "\n"), output, "--valid-days", "3");

        assertEquals(ExitCodes.OK, run.exit(), run::toString);
        assertEquals(NOW.plus(Duration.ofDays(3)), PreloadListParser.parse(Files.readAllBytes(output)).expires());
    }

    @Test
    void noEligibleDomainWritesNothingAndKeepsTheOldList() throws Exception {
        Path output = dir.resolve("kept.json");
        Files.writeString(output, "the old list");

        OwnLists.Run run = build(domains("none.txt", CheckWorld.PLAIN + "\n" + CheckWorld.MISSING + "\n"), output);

        assertEquals(ExitCodes.REFUSED, run.exit(), run::toString);
        assertEquals("the old list", Files.readString(output));
        assertTrue(run.err().contains("SKIPPED missing.test: MX lookup failed"), run.err());
    }

    @Test
    void aLineThatIsNotADomainIsAUsageErrorNamingTheLine() throws Exception {
        Path output = dir.resolve("never.json");

        OwnLists.Run run = build(domains("bad.txt", CheckWorld.GOOD + "\nnot a domain\n"), output);

        assertEquals(ExitCodes.USAGE, run.exit(), run::toString);
        assertTrue(run.err().contains("bad.txt line 2: "), run.err());
        assertFalse(Files.exists(output));
    }

    @Test
    void theBuiltListSignsAndVerifies() throws Exception {
        Path output = dir.resolve("signed.json");
        assertEquals(ExitCodes.OK, build(domains("one.txt", CheckWorld.STS_ENFORCE + "\n"), output).exit());
        Path keys = OwnLists.keygen(OwnLists.at(NOW), dir.resolve("keys"), "Builder <lists@example.org>");

        OwnLists.sign(OwnLists.at(NOW.plusSeconds(1)), keys, output);
        OwnLists.Run verify = OwnLists.policyctl(OwnLists.at(NOW.plusSeconds(2)), "verify", "--keyring",
                keys.resolve("public.asc").toString(), output.toString());

        assertEquals(ExitCodes.OK, verify.exit(), verify::toString);
    }
}
