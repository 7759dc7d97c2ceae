package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
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
    void aFailureKeepsItsReasonAndTheNextTry() {
        ObjectNode sts = JSON.createObjectNode().put("state", "failed")
                .put("unusable_because", "tls: certificate expired").put("next_try_at", "2026-12-02T02:50:00Z");

        assertEquals("  mta-sts:     failed: tls: certificate expired; next try after 2026-12-02T02:50:00Z", mtaStsLine(sts));
    }
}
