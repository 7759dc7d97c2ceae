package org.starttls.policyd.fetcher.dane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.dane.DaneDecider;
import org.starttls.policyd.core.dane.DaneEvidence;
import org.starttls.policyd.core.dane.DaneVerdict.Kind;
import org.starttls.policyd.core.dane.DnssecSecurity;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.testworld.dnssec.DnssecWorld;
import org.starttls.policyd.fetcher.testworld.dnssec.TestZone;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** AD is believed only from a loopback resolver; no answer at all is a failure, never "insecure". */
class AdTrustTest {
    private static final String EE_KEY = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static DnssecWorld world;
    private static InetSocketAddress remote;

    @BeforeAll
    static void startWorld() throws SocketException {
        Optional<InetAddress> local = nonLoopbackAddress();
        Assumptions.assumeTrue(local.isPresent(), "this host has no non-loopback IPv4 address to answer on");
        world = DnssecWorld.builder()
                .zone(TestZone.signed("all.test").mx(10, "mx.all.test").a("mx.all.test", "127.0.0.1")
                        .smtpTlsa("mx.all.test", 3, 1, 1, EE_KEY))
                .withValidatingResolverAlsoOn(local.get())
                .start();
        remote = new InetSocketAddress(local.get(), world.validatingResolver().getPort());
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void adFromANonLoopbackResolverIsNotTrusted() throws IOException {
        // The same validating unbound sets AD on that address too...
        SimpleResolver raw = new SimpleResolver(remote);
        raw.setEDNS(0, 1232, ExtendedFlags.DO, java.util.List.of());
        Message answer = raw.send(Message.newQuery(Record.newRecord(Name.fromString("all.test."), Type.MX, DClass.IN)));
        assertTrue(answer.getHeader().getFlag(Flags.AD), answer.toString());

        // ...but what it says there counts for nothing.
        DnsClient lookups = new DnsClient(new DnsSettings(remote, TIMEOUT));
        assertFalse(lookups.trustsAd());
        assertEquals(DnssecSecurity.INSECURE, lookups.lookupSecure("all.test", Type.MX).join().security());
        ValidationStatus status = new ValidationCheck(lookups).run().join();
        assertFalse(status.validates());
        assertTrue(status.detail().contains("not on a loopback address"), status.detail());
        DaneEvidence evidence = new DaneEvidenceCollector(lookups)
                .collect("all.test", new ValidationStatus(true, "told so")).join();
        assertFalse(evidence.resolverValidates());
        assertEquals(Kind.NO_DANE, DaneDecider.decide(evidence).kind());
    }

    @Test
    void theSameResolverOnLoopbackIsTrusted() {
        DnsClient lookups = new DnsClient(new DnsSettings(world.validatingResolver(), TIMEOUT));
        assertTrue(lookups.trustsAd());
        assertEquals(DnssecSecurity.SECURE, lookups.lookupSecure("all.test", Type.MX).join().security());
        ValidationStatus status = new ValidationCheck(lookups).run().join();
        assertEquals(Kind.DANE_ONLY, DaneDecider.decide(
                new DaneEvidenceCollector(lookups).collect("all.test", status).join()).kind());
    }

    @Test
    void aResolverThatNeverAnswersMakesTheMxLookupFailAndTheDomainTemp() throws IOException {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            DnsClient lookups = new DnsClient(new DnsSettings(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), Duration.ofMillis(300)));
            // All three wait out their timeouts together.
            var answer = lookups.lookupSecure("all.test", Type.MX);
            var check = new ValidationCheck(lookups).run();
            var evidence = new DaneEvidenceCollector(lookups).collect("all.test", new ValidationStatus(true, "checked earlier"));
            assertEquals(DnssecSecurity.FAILED, answer.join().security());
            assertTrue(answer.join().detail().contains("no answer from"), answer.join().detail());
            assertFalse(check.join().validates());
            assertEquals(Kind.TEMP, DaneDecider.decide(evidence.join()).kind());
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
