package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;

/** {@code policyctl lookup --map sts}: a .domain pattern that Sendmail reads one label deep, against the real MX names. */
class SendmailMatchDepthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECURE = "OK secure match=.example.test servername=hostname";

    @TempDir
    Path dir;
    private TestDnsServer dns;

    @BeforeEach
    void startDns() throws Exception {
        dns = TestDnsServer.start();
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    @Test
    void postfixMatchesAnyDepthSendmailOneLabel() {
        List<String> patterns = SendmailMatchDepth.patterns(SECURE + " policy_type=sts");
        assertEquals(List.of(".example.test"), patterns);
        assertEquals(List.of("a.mx.example.test"), SendmailMatchDepth.deeperThanSendmailMatches(patterns,
                List.of("mx.example.test.", "A.MX.example.test.", "mx.other.test.", "example.test.")));
        assertEquals(List.of(), SendmailMatchDepth.deeperThanSendmailMatches(List.of(".example.test", "a.mx.example.test"),
                List.of("a.mx.example.test")), "an exact pattern beside it covers the host for Sendmail too");
        assertEquals(List.of(), SendmailMatchDepth.deeperThanSendmailMatches(List.of(".example.test", ".mx.example.test"),
                List.of("a.mx.example.test")), "so does a .domain pattern one label above it");
        assertFalse(SendmailMatchDepth.hasParentPattern(SendmailMatchDepth.patterns("OK secure match=mx.example.test")));
        assertEquals(List.of(), SendmailMatchDepth.patterns("NOTFOUND "));
    }

    private String lookupReply(String domain) {
        return "{\"domain\":\"" + domain + "\",\"map\":\"sts\",\"socketmap_answer\":\"" + SECURE + "\",\"verdict\":"
                + "\"REQUIRE_TLS\",\"source\":\"list\",\"reason\":\"listed\",\"listed\":true,\"mode\":\"enforce\","
                + "\"mxs\":[\".example.test\"],\"policy_alias\":null,\"mta_sts\":{\"state\":\"off\"}}";
    }

    private String[] lookup(FakeAdmin admin, boolean json, String domain) throws Exception {
        Path config = dir.resolve("policyd.yaml");
        Files.writeString(config, "dns:\n  resolver: " + dns.resolverSetting() + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of("lookup", "--config", config.toString(), "--admin",
                admin.address(), "--map", "sts"));
        if (json) {
            args.add("--json");
        }
        args.add(domain);
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true),
                args.toArray(String[]::new));
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void anMxTwoLabelsBelowTheListedParentIsAWarningForSendmailsMap() throws Exception {
        dns.mx("example.test", 10, "mx.example.test").mx("example.test", 20, "a.backup.example.test");
        try (FakeAdmin admin = new FakeAdmin(Map.of("lookup example.test sts", lookupReply("example.test")))) {
            String[] text = lookup(admin, false, "example.test");
            assertEquals("0", text[0], text[2]);
            assertTrue(text[1].contains("\n  WARNING:     Sendmail matches a .domain pattern only one label deep: "
                    + "a.backup.example.test (MX of example.test) is below .example.test by more than one label"), text[1]);
            assertFalse(text[1].contains("mx.example.test (MX"), "one label below is fine for Sendmail: " + text[1]);

            JsonNode node = JSON.readTree(lookup(admin, true, "example.test")[1]);
            assertEquals(1, node.path("sendmail_warnings").size(), node.toString());
        }
    }

    @Test
    void mxNamesOneLabelBelowAreQuietAndAFailedMxLookupSaysSo() throws Exception {
        dns.mx("example.test", 10, "mx.example.test");
        try (FakeAdmin admin = new FakeAdmin(Map.of("lookup example.test sts", lookupReply("example.test"),
                "lookup broken.test sts", lookupReply("broken.test")))) {
            String[] quiet = lookup(admin, false, "example.test");
            assertFalse(quiet[1].contains("WARNING"), quiet[1]);

            dns.fault("broken.test", TestDnsServer.Fault.SERVFAIL);
            String[] failed = lookup(admin, false, "broken.test");
            assertTrue(failed[1].contains("WARNING:     could not check the MX names of broken.test"), failed[1]);
        }
    }
}
