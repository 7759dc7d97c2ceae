package org.starttls.policyd.fetcher.testworld.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The world itself: what each kind of zone looks like through each resolver. */
class DnssecWorldTest {
    private static final String SHA256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static DnssecWorld world;

    @BeforeAll
    static void startWorld() {
        world = DnssecWorld.builder()
                .zone(TestZone.signed("signed.test").mx(10, "mx.signed.test").a("mx.signed.test", "127.0.0.1")
                        .smtpTlsa("mx.signed.test", 3, 1, 1, SHA256))
                .zone(TestZone.unsigned("unsigned.test").mx(10, "mx.unsigned.test").a("mx.unsigned.test", "127.0.0.1"))
                .zone(TestZone.signed("bogus.test").mx(10, "mx.bogus.test").a("mx.bogus.test", "127.0.0.1")
                        .breakSignature("bogus.test", "MX"))
                .zone(TestZone.withExpiredSignatures("expired.test").mx(10, "mx.expired.test")
                        .a("mx.expired.test", "127.0.0.1"))
                .withNonValidatingResolver()
                .start();
        System.out.println("DNSSEC world started in " + world.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopWorld() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void aSignedZoneValidates() throws IOException {
        Message answer = ask(world.validatingResolver(), "_25._tcp.mx.signed.test", Type.TLSA);
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertTrue(answer.getHeader().getFlag(Flags.AD), answer.toString());
        assertEquals(1, answer.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.TLSA).count());
    }

    @Test
    void theRootItselfValidates() throws IOException {
        Message answer = ask(world.validatingResolver(), ".", Type.DNSKEY);
        assertTrue(answer.getHeader().getFlag(Flags.AD), answer.toString());
    }

    @Test
    void aProvenAbsenceInASignedZoneValidates() throws IOException {
        Message answer = ask(world.validatingResolver(), "nothing-here.signed.test", Type.A);
        assertEquals(Rcode.NXDOMAIN, answer.getRcode());
        assertTrue(answer.getHeader().getFlag(Flags.AD), answer.toString());
    }

    @Test
    void anUnsignedDelegationAnswersWithoutAd() throws IOException {
        Message answer = ask(world.validatingResolver(), "unsigned.test", Type.MX);
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertFalse(answer.getHeader().getFlag(Flags.AD), answer.toString());
        assertEquals(1, answer.getSection(Section.ANSWER).size());
    }

    @Test
    void aBrokenSignatureIsServfailOnlyForThatRrset() throws IOException {
        assertEquals(Rcode.SERVFAIL, ask(world.validatingResolver(), "bogus.test", Type.MX).getRcode());
        Message address = ask(world.validatingResolver(), "mx.bogus.test", Type.A);
        assertEquals(Rcode.NOERROR, address.getRcode());
        assertTrue(address.getHeader().getFlag(Flags.AD), address.toString());
    }

    @Test
    void expiredSignaturesAreServfail() throws IOException {
        assertEquals(Rcode.SERVFAIL, ask(world.validatingResolver(), "expired.test", Type.MX).getRcode());
    }

    @Test
    void theNonValidatingResolverAnswersEverythingWithoutAd() throws IOException {
        for (String name : new String[] {"signed.test", "bogus.test", "expired.test"}) {
            Message answer = ask(world.nonValidatingResolver(), name, Type.MX);
            assertEquals(Rcode.NOERROR, answer.getRcode(), name);
            assertFalse(answer.getHeader().getFlag(Flags.AD), name + ": " + answer);
        }
    }

    @Test
    void theTrustAnchorIsTheRootsDs() {
        assertTrue(world.rootTrustAnchor().matches("\\.\\s+(\\d+\\s+)?IN\\s+DS\\s+\\d+ 13 2 [0-9a-f]{64}"),
                world.rootTrustAnchor());
    }

    @Test
    void closingStopsTheServersAndRemovesTheDirectory() throws IOException {
        DnssecWorld small = DnssecWorld.builder().zone(TestZone.signed("small.test")).start();
        Path directory = small.directory();
        InetSocketAddress resolver = small.validatingResolver();
        assertEquals(Rcode.NOERROR, ask(resolver, "small.test", Type.SOA).getRcode());
        small.close();
        assertFalse(Files.exists(directory));
        SimpleResolver gone = new SimpleResolver(resolver);
        gone.setTimeout(Duration.ofMillis(300));
        assertThrows(IOException.class, () -> gone.send(query("small.test", Type.SOA)));
    }

    @Test
    void nestedZonesAndBreakingAnUnsignedZoneAreRefused() {
        DnssecWorld.Builder builder = DnssecWorld.builder().zone(TestZone.signed("outer.test"));
        assertThrows(IllegalArgumentException.class, () -> builder.zone(TestZone.signed("inner.outer.test")));
        assertThrows(IllegalStateException.class, () -> TestZone.unsigned("u.test").breakSignature("u.test", "MX"));
        assertThrows(IllegalArgumentException.class, () -> TestZone.signed("a.test").a("b.test", "127.0.0.1"));
    }

    private static Message ask(InetSocketAddress server, String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver.send(query(name, type));
    }

    private static Message query(String name, int type) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
        query.getHeader().setFlag(Flags.RD);
        query.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        return query;
    }
}
