package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The DANE line of {@code policyctl status}: a resolver that does not validate is a warning. */
class StatusCommandDaneTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aResolverThatDoesNotValidateIsAWarning() throws Exception {
        assertEquals("WARNING:  DANE does not apply: the resolver 127.0.0.1:53 does not validate DNSSEC; answers are as "
                + "without DANE; for DANE, run a validating resolver on loopback (e.g. unbound) and set dns.resolver to it"
                + " (see docs/dane.md)",
                StatusCommand.daneLine(JSON.readTree("{\"enabled\":true,\"validates\":false,"
                        + "\"detail\":\"the resolver 127.0.0.1:53 does not validate DNSSEC\"}")));
        assertEquals("dane:     on, it validates; 3 cached", StatusCommand.daneLine(JSON.readTree(
                "{\"enabled\":true,\"validates\":true,\"detail\":\"it validates\",\"cached_domains\":3}")));
        assertEquals("dane:     off", StatusCommand.daneLine(JSON.readTree("{\"enabled\":false}")));
        assertEquals("dane:     off", StatusCommand.daneLine(JSON.missingNode()));
    }
}
