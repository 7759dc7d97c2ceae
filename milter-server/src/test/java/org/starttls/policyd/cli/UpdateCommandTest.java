package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

/** policyctl update then lookup --state-dir, as an admin runs them, on lists signed in the test. */
class UpdateCommandTest {
    private static final Instant DAY1 = Instant.parse("2024-03-01T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2024-03-02T00:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2024-03-20T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private Path keyring;
    private Path state;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(CLOCK, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void keyringAndState() throws Exception {
        keyring = dir.resolve("signer.asc");
        Files.write(keyring, TestKeys.primary().armoredKeyring());
        state = dir.resolve("state");
    }

    private Path list(String name, Instant signedAt, Map<String, String> domains) {
        return TestLists.signed(TestKeys.primary(), signedAt, signedAt, EXPIRES, domains).writeTo(dir, name);
    }

    @Test
    void installsThenReportsUnchangedThenShowsTheDiff() throws Exception {
        Path first = list("first.json", DAY1, Map.of("a.example", ".mx.a.example", "b.example", ".mx.b.example"));
        Run installed = run("update", "--list", first.toString(), "--keyring", keyring.toString(),
                "--state-dir", state.toString());
        assertEquals(0, installed.exit(), installed.err());
        assertTrue(installed.out().startsWith("installed list of " + DAY1), installed.out());

        Run again = run("update", "--list", first.toString(), "--keyring", keyring.toString(),
                "--state-dir", state.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().startsWith("unchanged"), again.out());

        Path second = list("second.json", DAY2, Map.of("a.example", ".mx2.a.example", "c.example", ".mx.c.example"));
        Run newer = run("update", "--list", second.toString(), "--keyring", keyring.toString(),
                "--state-dir", state.toString());
        assertEquals(0, newer.exit(), newer.err());
        assertTrue(newer.out().contains("  + c.example") && newer.out().contains("  - b.example")
                && newer.out().contains("  ~ a.example"), newer.out());

        Run lookup = run("lookup", "--json", "--state-dir", state.toString(), "--keyring", keyring.toString(), "c.example");
        assertEquals(0, lookup.exit(), lookup.err());
        assertTrue(lookup.out().contains("\"mode\":\"enforce\""), lookup.out());
    }

    @Test
    void rollbackAndTamperingAreRefusedAndLeaveTheInstalledListAlone() throws Exception {
        Path newer = list("newer.json", DAY2, Map.of("a.example", ".mx.a.example"));
        assertEquals(0, run("update", "--list", newer.toString(), "--keyring", keyring.toString(),
                "--state-dir", state.toString()).exit());
        byte[] installed = Files.readAllBytes(state.resolve("current/policy.json"));

        Path older = list("older.json", DAY1, Map.of("a.example", ".mx.a.example"));
        Run rollback = run("update", "--list", older.toString(), "--keyring", keyring.toString(),
                "--state-dir", state.toString());
        assertEquals(3, rollback.exit());
        assertTrue(rollback.err().startsWith("REFUSED: ") && rollback.err().contains("rollback"), rollback.err());

        byte[] tampered = Files.readAllBytes(newer);
        tampered[tampered.length - 5] ^= 1;
        Files.write(newer, tampered);
        Run bad = run("update", "--list", newer.toString(), "--keyring", keyring.toString(),
                "--state-dir", state.toString(), "--json");
        assertEquals(3, bad.exit());
        assertTrue(bad.out().contains("\"result\":\"refused\"") && bad.out().contains("\"reason\":\"signature\""),
                bad.out());
        assertArrayEquals(installed, Files.readAllBytes(state.resolve("current/policy.json")));
    }

    @Test
    void fetchesOverHttp() throws Exception {
        TestLists.Signed signed = TestLists.signed(TestKeys.primary(), DAY1, DAY1, EXPIRES,
                Map.of("a.example", ".mx.a.example"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/policy.json", exchange -> {
            byte[] body = signed.list();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/policy.json.asc", exchange -> {
            byte[] body = signed.signature();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/policy.json";
            Run run = run("update", "--url", url, "--keyring", keyring.toString(), "--state-dir", state.toString());
            assertEquals(0, run.exit(), run.err());
            assertArrayEquals(signed.list(), Files.readAllBytes(state.resolve("current/policy.json")));
            Run missing = run("update", "--url", url.replace("/policy.json", "/missing.json"), "--keyring", keyring.toString(),
                    "--state-dir", state.toString());
            assertEquals(3, missing.exit());
            assertTrue(missing.err().contains("404"), missing.err());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void readersThatNameNoKeyringUseTheKeyringTheListWasInstalledUnder() throws Exception {
        Path first = list("first.json", DAY1, Map.of("a.example", ".mx.a.example"));
        assertEquals(0, run("update", "--list", first.toString(), "--keyring", keyring.toString(),
                "--state-dir", state.toString()).exit());

        Run lookup = run("lookup", "--state-dir", state.toString(), "a.example");
        assertEquals(0, lookup.exit(), lookup.toString());
        assertTrue(lookup.out().contains("a.example: listed, mode enforce"), lookup.out());
        assertTrue(lookup.out().contains(TestKeys.primary().primaryFingerprint()), lookup.out());

        // update without --keyring keeps using the recorded keys too.
        Path second = list("second.json", DAY2, Map.of("b.example", ".mx.b.example"));
        Run again = run("update", "--list", second.toString(), "--state-dir", state.toString());
        assertEquals(0, again.exit(), again.toString());
    }

    @Test
    void namingOtherKeysIsAnExplicitRotation() throws Exception {
        Path first = list("first.json", DAY1, Map.of("a.example", ".mx.a.example"));
        assertEquals(0, run("update", "--list", first.toString(), "--keyring", keyring.toString(),
                "--state-dir", state.toString()).exit());
        Path otherKeyring = dir.resolve("other.asc");
        Files.write(otherKeyring, TestKeys.other().armoredKeyring());

        Run readWithOther = run("lookup", "--state-dir", state.toString(), "--keyring", otherKeyring.toString(), "a.example");
        assertEquals(3, readWithOther.exit(), readWithOther.toString());
        assertTrue(readWithOther.err().contains("KEY ROTATION") && readWithOther.err().contains("accepted under other keys"),
                readWithOther.err());

        Path byOther = TestLists.signed(TestKeys.other(), DAY2, DAY2, EXPIRES, Map.of("z.example", ".mx.z.example"))
                .writeTo(dir, "other.json");
        Run rotate = run("update", "--list", byOther.toString(), "--keyring", otherKeyring.toString(),
                "--state-dir", state.toString(), "--json");
        assertEquals(0, rotate.exit(), rotate.toString());
        assertTrue(rotate.err().contains("NOTE: KEY ROTATION"), rotate.err());
        assertTrue(rotate.out().contains("\"key_rotation\":true"), rotate.out());

        Run after = run("lookup", "--json", "--state-dir", state.toString(), "z.example");
        assertEquals(0, after.exit(), after.toString());
        assertTrue(after.out().contains("\"listed\":true"), after.out());
        Run oldKey = run("lookup", "--state-dir", state.toString(), "--keyring", keyring.toString(), "z.example");
        assertEquals(3, oldKey.exit(), "the old keys no longer verify the installed list: " + oldKey);
    }

    @Test
    void sudoUpdateIntoTheDaemonsDirectoryLeavesItsFilesToTheDaemonsUser() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "needs root (as CI runs): only root can hand files to another user");
        var users = dir.getFileSystem().getUserPrincipalLookupService();
        var nobody = users.lookupPrincipalByName("nobody");
        Files.createDirectories(state);
        Files.setOwner(state, nobody);
        TestLists.Signed signed = TestLists.signed(TestKeys.primary(), DAY1, DAY1, EXPIRES,
                Map.of("a.example", ".mx.a.example"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/policy.json", exchange -> {
            exchange.getResponseHeaders().add("ETag", "\"v1\"");
            exchange.sendResponseHeaders(200, signed.list().length);
            exchange.getResponseBody().write(signed.list());
            exchange.close();
        });
        server.createContext("/policy.json.asc", exchange -> {
            exchange.sendResponseHeaders(200, signed.signature().length);
            exchange.getResponseBody().write(signed.signature());
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/policy.json";
            Run run = run("update", "--url", url, "--keyring", keyring.toString(), "--state-dir", state.toString());
            assertEquals(0, run.exit(), run.toString());
        } finally {
            server.stop(0);
        }
        assertTrue(Files.exists(state.resolve("fetch-state.properties")));
        try (var tree = Files.walk(state)) {
            for (Path path : tree.toList()) {
                assertEquals(nobody, Files.getOwner(path, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                        path + " must belong to the state directory's owner");
            }
        }
    }

    @Test
    void aSourceIsRequired() {
        assertEquals(2, run("update", "--state-dir", state.toString()).exit());
        assertEquals(2, run("update", "--url", "http://a/", "--list", "b", "--state-dir", state.toString()).exit());
    }
}
