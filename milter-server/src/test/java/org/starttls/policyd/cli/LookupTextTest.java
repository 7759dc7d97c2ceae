package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class LookupTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String mtaStsLine(ObjectNode sts) {
        ObjectNode report = JSON.createObjectNode().put("domain", "example.test").put("listed", false);
        report.set("mta_sts", sts);
        StringWriter out = new StringWriter();
        LookupText.print(new PrintWriter(out, true), report);
        return out.toString().lines().filter(line -> line.startsWith("  mta-sts:")).findFirst().orElseThrow();
    }

    @Test
    void aDomainWithoutARecordSaysSoOnceAndWhenDnsIsAskedAgain() {
        ObjectNode sts = JSON.createObjectNode().put("state", "no-record")
                .put("unusable_because", "no-record: _mta-sts.example.test does not exist (NXDOMAIN)")
                .put("next_try_at", "2026-12-02T02:46:43Z");

        assertEquals("  mta-sts:     no-record: _mta-sts.example.test does not exist (NXDOMAIN);"
                + " asked again after 2026-12-02T02:46:43Z", mtaStsLine(sts));
    }

    @Test
    void theDaneEvidenceHasItsOwnSection() throws Exception {
        ObjectNode report = JSON.createObjectNode().put("domain", "example.test").put("listed", false);
        report.set("dane", JSON.readTree("{\"verdict\":\"dane\",\"reason\":\"some MX hosts have TLSA\","
                + "\"how\":\"looked up at 2026-12-02T06:00:00Z, cached until 2026-12-02T07:00:00Z\","
                + "\"resolver_validates\":true,\"mx_security\":\"secure\",\"null_mx\":false,\"mx_hosts\":["
                + "{\"host\":\"mx1.example.test\",\"address_security\":\"secure\",\"tlsa_security\":\"secure\","
                + "\"tlsa\":[\"3 1 1 00ff\",\"1 1 1 00ff (unusable)\"]},"
                + "{\"host\":\"mx2.example.test\",\"address_security\":\"bogus\",\"tlsa_security\":\"insecure\","
                + "\"tlsa\":[]}]}"));
        StringWriter out = new StringWriter();
        LookupText.print(new PrintWriter(out, true), report);

        assertEquals(String.join("\n",
                "  dane:        dane (some MX hosts have TLSA); looked up at 2026-12-02T06:00:00Z, cached until"
                        + " 2026-12-02T07:00:00Z",
                "    MX RRset:  secure",
                "    MX mx1.example.test: address secure, TLSA secure",
                "      TLSA 3 1 1 00ff",
                "      TLSA 1 1 1 00ff (unusable)",
                "    MX mx2.example.test: address bogus, TLSA insecure, no TLSA records"),
                String.join("\n", LookupText.dane(report.path("dane"))));
        assertTrue(out.toString().contains("TLSA insecure, no TLSA records\n  mta-sts:"), out.toString());
    }

    @Test
    void withoutDaneThereIsNoDaneSection() {
        assertEquals(List.of(), LookupText.dane(JSON.createObjectNode().path("dane")));
    }

    @Test
    void aFailureKeepsItsReasonAndTheNextTry() {
        ObjectNode sts = JSON.createObjectNode().put("state", "failed")
                .put("unusable_because", "tls: certificate expired").put("next_try_at", "2026-12-02T02:50:00Z");

        assertEquals("  mta-sts:     failed: tls: certificate expired; next try after 2026-12-02T02:50:00Z", mtaStsLine(sts));
    }
}
