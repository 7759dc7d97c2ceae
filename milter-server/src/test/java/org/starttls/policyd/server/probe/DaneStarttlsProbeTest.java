package org.starttls.policyd.server.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.server.probe.ProbeFixture.BROKEN_TLS;
import static org.starttls.policyd.server.probe.ProbeFixture.EXPIRED;
import static org.starttls.policyd.server.probe.ProbeFixture.PLAIN;
import static org.starttls.policyd.server.probe.ProbeFixture.SELF_SIGNED;
import static org.starttls.policyd.server.probe.ProbeFixture.SILENT;
import static org.starttls.policyd.server.probe.ProbeFixture.WRONG_NAME;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.core.list.PolicyMode;

/**
 * DANE domains are probed for STARTTLS alone, against the real fake MXes: a stripped STARTTLS
 * defers a {@code dane-only} domain at receipt; a handshake that cannot complete is no evidence
 * (the JDK refuses TLS versions Postfix's DANE accepts; delivery defers by itself); a certificate
 * the WebPKI would reject (self-signed, expired, another name) does not, since TLSA records judge
 * it at delivery; a {@code dane} domain is probed and logged, never deferred.
 */
class DaneStarttlsProbeTest {
    @TempDir
    static Path dir;
    private static ProbeFixture world;
    private static DowngradeDetector detector;

    @BeforeAll
    static void startTheWorld() throws IOException {
        world = new ProbeFixture(dir);
        world.dns.mx("plain.test", 10, PLAIN).mx("partial-plain.test", 10, PLAIN).mx("selfsigned.test", 10, SELF_SIGNED)
                .mx("broken.test", 10, BROKEN_TLS).mx("expired.test", 10, EXPIRED).mx("wrongname.test", 10, WRONG_NAME)
                .mx("silent.test", 10, SILENT).mx("mixed.test", 10, PLAIN).mx("mixed.test", 20, SELF_SIGNED);
        // A generous budget so each receipt question waits for its probe; it is never the deciding bound.
        detector = DowngradeDetector.start(world.settings().withWaitBudget(Duration.ofSeconds(60)), ProbeFixture.CLOCK);
    }

    @AfterAll
    static void stopTheWorld() throws IOException {
        detector.close();
        world.close();
    }

    private static final ReceiptDecider DANE_ONLY = domain -> Decision.dane(Verdict.DANE_ONLY, domain, null,
            "every MX has usable TLSA records");
    private static final ReceiptDecider DANE = domain -> Decision.dane(Verdict.DANE, domain, null,
            "some MXes have usable TLSA records");

    @Test
    void aDaneOnlyDomainWhoseMxOffersNoStarttlsIsDeferredAtReceipt() {
        Decision decision = detector.layer(DANE_ONLY).decideAtReceipt("plain.test");

        assertEquals(Verdict.DEFER_DOWNGRADE, decision.verdict());
        assertTrue(decision.reason().contains(PLAIN + " starttls-not-supported"), decision.reason());
        assertEquals("dane-only", decision.decidingMode());
    }

    @Test
    void aDaneOnlyDomainWhoseMxHandshakeCannotCompleteIsLeftToDeliveryNotDeferred() {
        assertEquals(Verdict.DANE_ONLY, detector.layer(DANE_ONLY).decideAtReceipt("broken.test").verdict());
        assertEquals(DomainStatus.UNKNOWN, detector.starttlsReportFor("broken.test", PolicyMode.ENFORCE).status());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"selfsigned.test", "expired.test", "wrongname.test", "mixed.test"})
    void certificatesAreDanesToJudgeSoADaneOnlyDomainWithTlsIsNotDeferred(String domain) {
        Decision decision = detector.layer(DANE_ONLY).decideAtReceipt(domain);

        assertEquals(Verdict.DANE_ONLY, decision.verdict());
        assertEquals(DomainStatus.SECURE, detector.starttlsReportFor(domain, PolicyMode.ENFORCE).status());
    }

    @Test
    void anMxThatCannotBeReachedIsNoEvidence() {
        assertEquals(Verdict.DANE_ONLY, detector.layer(DANE_ONLY).decideAtReceipt("silent.test").verdict());
        assertEquals(DomainStatus.UNKNOWN, detector.starttlsReportFor("silent.test", PolicyMode.ENFORCE).status());
    }

    @Test
    void aPartialDaneDomainIsProbedAndLoggedButNeverDeferred() {
        Decision decision = detector.layer(DANE).decideAtReceipt("partial-plain.test");

        assertEquals(Verdict.DANE, decision.verdict());
        assertEquals(DomainStatus.DOWNGRADE, detector.starttlsReportFor("partial-plain.test", PolicyMode.TESTING).status());
    }
}
