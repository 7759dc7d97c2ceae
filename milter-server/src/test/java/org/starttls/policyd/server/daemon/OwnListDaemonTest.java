package org.starttls.policyd.server.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.cli.OwnLists;
import org.starttls.policyd.core.testing.MutableClock;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.core.testing.UncheckedSignatures;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.check.CheckWorld;
import org.starttls.policyd.server.probe.ProbeFixture;
import org.starttls.policyd.server.testing.HttpListServer;
import org.starttls.policyd.server.testing.LocalDaemon;

/**
 * A site's own list, end to end on real sockets: a key from {@code policyctl keygen}, a list signed
 * with {@code policyctl list sign}, and policyd pinning the generated public.asc
 * ({@code list.keyring}) and reading the list from {@code list.file}, or, for a list that site A
 * made with {@code policyctl list build} from checked domains, fetching it from A's web server
 * ({@code list.url}).
 */
class OwnListDaemonTest {
    private static final Map<String, String> DOMAINS = Map.of("partner.example", ".mx.partner.example");
    private static final String ENFORCED = "OK secure match=.mx.partner.example servername=hostname";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private Policyd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private Path list(Instant timestamp) throws Exception {
        return OwnLists.writeList(dir.resolve("policy.json"), timestamp, timestamp.plus(Duration.ofDays(14)), DOMAINS);
    }

    private void start(Path keys, Path list) throws Exception {
        PolicydConfig config = LocalDaemon.config(dir, list);
        config.list.keyring = keys.resolve("public.asc").toString();
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, clock);
    }

    private void startFromUrl(Path keys, HttpListServer web) throws Exception {
        PolicydConfig config = LocalDaemon.config(dir, dir.resolve("unused.json"));
        config.list.file = null;
        config.list.url = web.listUri().toString();
        config.list.keyring = keys.resolve("public.asc").toString();
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, clock);
    }

    /** Site A: {@code list build} over the check world's domains, then {@code list sign}; served by {@code web}. */
    private void siteAPublishes(CheckWorld world, Path keys, HttpListServer web) throws Exception {
        Path domains = Files.writeString(dir.resolve("domains.txt"),
                CheckWorld.GOOD + "\n" + CheckWorld.STS_ENFORCE + "\n" + CheckWorld.WRONG_NAME + "\n" + CheckWorld.PLAIN + "\n");
        Path built = dir.resolve("built.json");
        List<String> args = world.options();
        args.addAll(0, List.of("list", "build", "--domains", domains.toString(), "--output", built.toString()));
        OwnLists.Run build = OwnLists.policyctl(clock, args.toArray(String[]::new));
        assertEquals(1, build.exit(), build::toString); // plain.test left out
        Path signature = OwnLists.sign(clock, keys, built);
        web.serve(new TestLists.Signed(Files.readAllBytes(built), Files.readAllBytes(signature)));
    }

    @Test
    void siteABuildsAndSignsAListThatSiteBFetchesAndEnforces() throws Exception {
        Path keys = OwnLists.keygen(clock, dir.resolve("keys"), "Site A Lists <lists@a.example>");
        try (CheckWorld world = new CheckWorld(Files.createDirectories(dir.resolve("world")));
                HttpListServer web = new HttpListServer()) {
            siteAPublishes(world, keys, web);

            startFromUrl(keys, web);
            assertTrue(daemon.reloadAll().get(60, TimeUnit.SECONDS).list().succeeded());

            assertEquals("OK secure match=" + ProbeFixture.GOOD + " servername=hostname",
                    LocalDaemon.socketmap(daemon, CheckWorld.GOOD));
            assertEquals("OK secure match=.mx.test servername=hostname", LocalDaemon.socketmap(daemon, CheckWorld.STS_ENFORCE));
            assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, CheckWorld.WRONG_NAME), "testing: report only");
            assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, CheckWorld.PLAIN), "not eligible, not listed");
        }
    }

    @Test
    void aBuiltListSignedByAnotherKeyIsRefusedAtSiteB() throws Exception {
        Path keys = OwnLists.keygen(clock, dir.resolve("keys"), "Site A Lists <lists@a.example>");
        Path otherKeys = OwnLists.keygen(clock, dir.resolve("other"), "Someone Else <else@example.net>");
        try (CheckWorld world = new CheckWorld(Files.createDirectories(dir.resolve("world")));
                HttpListServer web = new HttpListServer()) {
            siteAPublishes(world, otherKeys, web);

            startFromUrl(keys, web);

            assertFalse(daemon.reloadAll().get(60, TimeUnit.SECONDS).list().succeeded());
            String answer = LocalDaemon.socketmap(daemon, CheckWorld.GOOD);
            assertTrue(answer.startsWith("TEMP "), "deferred, never enforced nor NOTFOUND: " + answer);
        }
    }

    @Test
    void enforcesAListSignedWithAKeyFromKeygen() throws Exception {
        Path keys = OwnLists.keygen(clock, dir.resolve("keys"), "Example Lists <lists@example.org>");
        Path list = list(clock.instant());
        OwnLists.sign(clock, keys, list);

        start(keys, list);

        assertEquals(ENFORCED, LocalDaemon.socketmap(daemon, "partner.example"));
        assertEquals("NOTFOUND ", LocalDaemon.socketmap(daemon, "unlisted.example"));
    }

    @Test
    void aListSignedByAnotherKeyIsNotEnforcedAndMailWaitsUntilTheRightSignatureArrives() throws Exception {
        Path keys = OwnLists.keygen(clock, dir.resolve("keys"), "Example Lists <lists@example.org>");
        Path otherKeys = OwnLists.keygen(clock, dir.resolve("other"), "Someone Else <else@example.net>");
        Path list = list(clock.instant());
        OwnLists.sign(clock, otherKeys, list);

        start(keys, list);

        String answer = LocalDaemon.socketmap(daemon, "partner.example");
        assertTrue(answer.startsWith("TEMP "), "deferred, never enforced nor NOTFOUND: " + answer);
        clock.advance(Duration.ofSeconds(1));
        OwnLists.sign(clock, keys, list);
        assertTrue(daemon.reloadAll().get(60, TimeUnit.SECONDS).list().succeeded());
        assertEquals(ENFORCED, LocalDaemon.socketmap(daemon, "partner.example"));
    }

    @Test
    void aSignatureMadeAfterTheKeyExpiredIsNotEnforced() throws Exception {
        Path keys = OwnLists.keygen(clock, dir.resolve("keys"), "Example Lists <lists@example.org>",
                "--valid-years", "1");
        clock.advance(Duration.ofDays(367));
        Path list = list(clock.instant());
        Files.write(Path.of(list + ".asc"), UncheckedSignatures.bySubkey(
                Files.readAllBytes(keys.resolve("private.asc")), Files.readAllBytes(list), clock.instant()));

        start(keys, list);

        String answer = LocalDaemon.socketmap(daemon, "partner.example");
        assertTrue(answer.startsWith("TEMP "), answer);
    }
}
