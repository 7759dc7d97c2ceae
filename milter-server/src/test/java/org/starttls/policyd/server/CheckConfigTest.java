package org.starttls.policyd.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.ConfigLoader;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.daemon.Policyd;

/**
 * {@code policyd --check-config} through the real command line and exit-code mapping: it refuses
 * what start refuses (with start's exit code), says OK otherwise, and warns when the result would
 * enforce nothing. The check binds each door's TCP address for a moment: a test that must see no
 * warning gives its doors port 0 ({@link #FREE_PORTS}), so a policyd running on the defaults does
 * not change its outcome.
 */
class CheckConfigTest {
    private static final Instant SIGNED = Instant.parse("2026-01-10T00:00:00Z");
    private static final Clock IN_THE_LISTS_WINDOW = Clock.fixed(SIGNED.plus(Duration.ofDays(1)), ZoneOffset.UTC);

    /** Doors on port 0, which always binds: no "cannot be bound now" warning whatever else runs here. */
    private static final String FREE_PORTS = "socketmap:\n  listen: 127.0.0.1:0\npolicy-service:\n  listen: 127.0.0.1:0\n";

    @TempDir
    Path dir;

    private record Outcome(int exit, String out, String err) {
    }

    private Outcome checkConfig(String yaml) throws IOException {
        Path file = dir.resolve("policyd.yaml");
        Files.writeString(file, yaml);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicydMain.commandLine(IN_THE_LISTS_WINDOW).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--config", file.toString(), "--check-config");
        return new Outcome(exit, out.toString(), err.toString());
    }

    /** A config with the given list section lines and the state directory in the test's folder. */
    private String withList(String... lines) {
        StringBuilder yaml = new StringBuilder("list:\n  state-dir: " + dir.resolve("state") + "\n");
        for (String line : lines) {
            yaml.append("  ").append(line).append('\n');
        }
        return yaml.toString();
    }

    private Path keyringFile() throws IOException {
        return Files.write(dir.resolve("signer.asc"), TestKeys.primary().armoredKeyring());
    }

    private void installFreshList() throws Exception {
        TestLists.Signed list = TestLists.signed(TestKeys.primary(), SIGNED, SIGNED, SIGNED.plus(Duration.ofDays(14)),
                Map.of("a.example", "mx.a.example"));
        new StateDirectory(dir.resolve("state")).install(list.list(), list.signature());
    }

    private static void assertRefused(Outcome outcome, int exit, String because) {
        assertEquals(exit, outcome.exit(), outcome.err());
        assertTrue(outcome.err().contains(because), outcome.err());
        assertFalse(outcome.out().contains("configuration OK"), outcome.out());
    }

    @Test
    void aRefusedOverridesFileRefusesStartAndCheckConfigWithItsLine() throws Exception {
        Path overrides = Files.writeString(dir.resolve("overrides.yaml"), "a.example:\n  policy: none\n  reson: typo\n");
        String yaml = withList() + "overrides:\n  file: " + overrides + "\n";
        assertRefused(checkConfig(yaml), 78, overrides + ": line 3: a.example: unknown key \"reson\"");

        Path file = dir.resolve("policyd.yaml");
        StringWriter err = new StringWriter();
        int exit = PolicydMain.commandLine(IN_THE_LISTS_WINDOW).setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err)).execute("--config", file.toString());
        assertEquals(78, exit, "start refuses it as check-config does: " + err);
        assertTrue(err.toString().contains("line 3"), err.toString());
    }

    @Test
    void checkConfigCountsTheOverridesAndWarnsOfThoseExpiringSoon() throws Exception {
        installFreshList();
        Path overrides = Files.writeString(dir.resolve("overrides.yaml"), """
                a.example:
                  policy: none
                  reason: "soon gone"
                  expires: %s
                b.example:
                  policy: encrypt
                  reason: "for good"
                """.formatted(IN_THE_LISTS_WINDOW.instant().atZone(ZoneOffset.UTC).toLocalDate().plusDays(3)));
        Outcome outcome = checkConfig(withList("keyring: " + keyringFile()) + "overrides:\n  file: " + overrides + "\n");

        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("local overrides: 2"), outcome.out());
        assertTrue(outcome.out().contains("WARNING: the local override of a.example (line 1, none) stops applying after"),
                outcome.out());
    }

    @Test
    void aMissingKeyringIsAConfigurationError() throws Exception {
        assertRefused(checkConfig(withList("keyring: " + dir.resolve("missing.asc"))), 78, "list.keyring");
    }

    @Test
    void aKeyringFileWithoutAKeyIsAConfigurationError() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("notes.txt"), "my signing key is on the other server\n");
        assertRefused(checkConfig(withList("keyring: " + notAKey)), 78, "list.keyring");
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenIsAConfigurationErrorWhenListsAreFetched() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        String url = "url: https://lists.example/policy.json";
        assertRefused(checkConfig("list:\n  state-dir: " + file + "\n  " + url + "\n"), 78, "list.state-dir");
        assertRefused(checkConfig("list:\n  state-dir: " + file.resolve("state") + "\n  " + url + "\n"), 78,
                "cannot be created");
    }

    @Test
    void anAddressThatIsNotOnThisHostCannotBeListenedOn() throws Exception {
        String yaml = withList() + "socketmap:\n  listen: 192.0.2.1:5461\n";
        assertRefused(checkConfig(yaml), PolicydMain.EXIT_CANNOT_LISTEN, "192.0.2.1 is not an address of this host");
    }

    @Test
    void aUnixSocketInADirectoryThatDoesNotExistCannotBeListenedOn() throws Exception {
        String yaml = withList() + "socketmap:\n  listen: unix:" + dir.resolve("no-such-dir/socketmap.sock") + "\n";
        assertRefused(checkConfig(yaml), PolicydMain.EXIT_CANNOT_LISTEN, "is not a writable directory");
    }

    @Test
    void anAdminSocketDirectoryUnderTmpThatStartWouldRefuseIsRefused() throws Exception {
        // The test's folder is under /tmp, where start refuses an admin socket directory open to others.
        Path socketDir = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String yaml = withList() + "admin:\n  listen: unix:" + socketDir.resolve("admin.sock") + "\n";
        assumeTrue(socketDir.toAbsolutePath().startsWith("/tmp"), "needs a /tmp folder");
        assertRefused(checkConfig(yaml), PolicydMain.EXIT_CANNOT_LISTEN, "admin.listen: cannot listen on unix:");
        Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, checkConfig(yaml).exit());
    }

    @Test
    void twoDoorsOnOneAddressAreAConfigurationError() throws Exception {
        String yaml = withList() + "policy-service:\n  listen: 127.0.0.1:5461\n";
        assertRefused(checkConfig(yaml), 78, "socketmap.listen and policy-service.listen are both 127.0.0.1:5461");
    }

    @Test
    void aTrustStoreThatCannotBeReadIsAConfigurationError() throws Exception {
        String yaml = withList() + "probe:\n  enabled: true\n  resolver: 127.0.0.1\n  ehlo-name: check.example\n"
                + "  trust-store: " + dir.resolve("no-such-ca.pem") + "\n";
        assertRefused(checkConfig(yaml), 78, "probe.trust-store");
    }

    @Test
    void theDeprecatedProbeResolverIsOkWithAWarning() throws Exception {
        Outcome outcome = checkConfig(withList() + "probe:\n  resolver: 127.0.0.1:5353\n");
        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("WARNING: " + dir.resolve("policyd.yaml")
                + ": probe.resolver is deprecated; write dns.resolver instead"), outcome.out());
    }

    @Test
    void twoDifferentResolversAreAConfigurationError() throws Exception {
        assertRefused(checkConfig(withList() + "dns:\n  resolver: 127.0.0.1:53\nprobe:\n  resolver: 127.0.0.2:53\n"), 78,
                "dns.resolver and probe.resolver");
    }

    @Test
    void anEmptySectionIsAConfigurationErrorNotAnInternalOne() throws Exception {
        assertRefused(checkConfig("list: ~\n"), 78, "list: the section is empty");
        assertRefused(checkConfig("socketmap:\n"), 78, "socketmap: the section is empty");
    }

    @Test
    void theEmbeddedListAloneIsOkWithAWarningThatNothingIsEnforced() throws Exception {
        Outcome outcome = checkConfig(withList() + "mta-sts:\n  enabled: false\n");
        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("configuration OK"), outcome.out());
        assertTrue(outcome.out().contains("WARNING: this configuration enforces nothing: the embedded default list"
                + " expired at 2020-06-03"), outcome.out());
        assertTrue(outcome.out().contains("neither list.url nor list.file is set"), outcome.out());
    }

    @Test
    void theEmbeddedListWithMtaStsWarnsThatOnlyMtaStsDomainsAreProtected() throws Exception {
        Outcome outcome = checkConfig(withList());
        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("WARNING: the list enforces nothing: the embedded default list"
                + " expired at 2020-06-03"), outcome.out());
        assertTrue(outcome.out().contains("only domains that publish MTA-STS are protected"), outcome.out());
    }

    @Test
    void anUnreadableMtaStsTrustStoreIsAConfigurationError() throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), "no certificate here\n");
        assertRefused(checkConfig(withList() + "mta-sts:\n  trust-store: " + pem + "\n"), 78, "mta-sts.trust-store");
    }

    @Test
    void anExpiredListThatKeepsEnforcingIsNoWarning() throws Exception {
        Outcome outcome = checkConfig(withList() + "policy:\n  expired-list: keep-enforcing\n" + FREE_PORTS);
        assertEquals(0, outcome.exit(), outcome.err());
        assertFalse(outcome.out().contains("WARNING"), outcome.out());
    }

    @Test
    void aDoorAddressInUseIsAWarningThatSaysWhatStartWouldDo() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String yaml = withList() + "policy:\n  expired-list: keep-enforcing\nsocketmap:\n  listen: 127.0.0.1:"
                    + taken.getLocalPort() + "\npolicy-service:\n  listen: 127.0.0.1:0\n";
            Outcome outcome = checkConfig(yaml);
            assertEquals(0, outcome.exit(), outcome.err());
            assertTrue(outcome.out().contains("configuration OK"), outcome.out());
            assertTrue(outcome.out().contains("WARNING: socketmap.listen: 127.0.0.1:" + taken.getLocalPort()
                    + " cannot be bound now ("), outcome.out());
            assertTrue(outcome.out().contains("if the running policyd holds it, a restart frees it first; otherwise"
                    + " start fails with exit 71"), outcome.out());
        }
    }

    @Test
    void aSourceWithNothingVerifiedWarnsThatStartDefersEverythingNotThatTheEmbeddedListAnswers() throws Exception {
        Outcome outcome = checkConfig(withList("keyring: " + keyringFile(), "url: https://lists.example/policy.json"));
        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("WARNING: no verified list at start: no list is installed in "), outcome.out());
        assertTrue(outcome.out().contains("every lookup answers TEMP and outgoing mail is deferred"
                + " (list.while-unverified: tempfail)"), outcome.out());
        assertFalse(outcome.out().contains("embedded default"), outcome.out());
    }

    @Test
    void aSourceWithNothingVerifiedUnderEmbeddedDefaultWarnsThatTheEmbeddedListEnforcesNothing() throws Exception {
        Outcome outcome = checkConfig(withList("keyring: " + keyringFile(), "url: https://lists.example/policy.json",
                "while-unverified: embedded-default") + "mta-sts:\n  enabled: false\n");
        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("WARNING: this configuration enforces nothing: the embedded default list"),
                outcome.out());
        assertTrue(outcome.out().contains("once a fresh list from https://lists.example/policy.json verifies"),
                outcome.out());
    }

    @Test
    void aFreshInstalledListUnderItsKeyIsOkWithoutAWarning() throws Exception {
        installFreshList();
        Outcome outcome = checkConfig(withList("keyring: " + keyringFile(), "url: https://lists.example/policy.json"));
        assertEquals(0, outcome.exit(), outcome.err());
        assertEquals("configuration OK: " + dir.resolve("policyd.yaml") + "\n", outcome.out().replace("\r\n", "\n"));
    }

    @Test
    void aSourceWithNothingInstalledWarnsThatEveryLookupIsATempfailAsAtStart() throws Exception {
        Outcome outcome = checkConfig(withList("keyring: " + keyringFile(), "url: https://lists.example/policy.json"));
        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("WARNING: no verified list at start: no list is installed in "
                + dir.resolve("state") + " yet; until a list from https://lists.example/policy.json verifies, every"
                + " lookup answers TEMP"), outcome.out());
        assertFalse(outcome.err().contains("falling back to the embedded default"), outcome.err());
    }

    @Test
    void aDamagedInstalledCopyWarnsThatEveryLookupIsATempfailEvenWhenExpiredListsKeepEnforcing() throws Exception {
        installFreshList();
        try (var files = Files.walk(dir.resolve("state"))) {
            for (Path list : files.filter(f -> f.getFileName().toString().equals("policy.json")).toList()) {
                Files.writeString(list, "damaged");
            }
        }
        String yaml = withList("keyring: " + keyringFile(), "url: https://lists.example/policy.json")
                + "policy:\n  expired-list: keep-enforcing\n" + FREE_PORTS;
        Outcome outcome = checkConfig(yaml);
        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.out().contains("WARNING: no verified list at start: the installed list does not"
                + " verify"), outcome.out());
        assertTrue(outcome.out().contains("every lookup answers TEMP"), outcome.out());
        Outcome embedded = checkConfig(yaml.replace("  url:", "  while-unverified: embedded-default\n  url:"));
        assertFalse(embedded.out().contains("WARNING"), embedded.out()); // the expired embedded list keeps enforcing
    }

    @Test
    void startRefusesWhatTheCheckRefuses() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Path yaml = Files.writeString(dir.resolve("policyd.yaml"), "list:\n  state-dir: " + file.resolve("state")
                + "\n  url: https://lists.example/policy.json\nsocketmap:\n  listen: 127.0.0.1:0\n"
                + "policy-service:\n  listen: 127.0.0.1:0\nadmin:\n  enabled: false\nmetrics:\n  enabled: false\n",
                UTF_8);
        DaemonSettings settings = DaemonSettings.from(ConfigLoader.load(yaml), yaml);
        ConfigException refused = assertThrows(ConfigException.class,
                () -> Policyd.start(settings, () -> settings, IN_THE_LISTS_WINDOW).close());
        assertTrue(refused.getMessage().contains("list.state-dir"), refused.getMessage());
    }
}
