package org.starttls.policyd.fetcher.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;
import org.starttls.policyd.fetcher.testworld.TestDnsServer.Fault;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

class DnsClientTest {
    private TestDnsServer dns;
    private DnsClient client;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        client = new DnsClient(new DnsSettings(dns.address(), Duration.ofSeconds(8)));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private static <T> DnsLookup<T> await(java.util.concurrent.CompletableFuture<DnsLookup<T>> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    @Test
    void joinsTheCharacterStringsOfEachTxtRecord() throws Exception {
        dns.txt("_mta-sts.example.test", "v=STSv1; ", "id=20240101;");
        dns.txt("_mta-sts.example.test", "v=spf1 -all");

        DnsLookup<String> lookup = await(client.txt("_mta-sts.example.test"));

        DnsLookup.Found<String> found = assertInstanceOf(DnsLookup.Found.class, lookup);
        assertEquals(List.of("v=STSv1; id=20240101;", "v=spf1 -all"), found.values());
        assertEquals("_mta-sts.example.test", found.name());
        assertEquals("_mta-sts.example.test", found.canonicalName());
    }

    @Test
    void readsTxtBytesOutsideAsciiAsSuchRatherThanAsEscapes() throws Exception {
        dns.txt("odd.example.test", "v=STSv1; id=a\u00e9\u0001");

        DnsLookup<String> lookup = await(client.txt("odd.example.test"));

        // dnsjava's text form would escape these to "\195\169\001", which a grammar could misread.
        assertEquals(List.of("v=STSv1; id=a\u00c3\u00a9\u0001"), lookup.values());
    }

    @Test
    void findsIpv4AndIpv6AddressesIpv4First() throws Exception {
        dns.aaaa("mta-sts.example.test", "2001:db8::1").a("mta-sts.example.test", "192.0.2.1");

        DnsLookup<InetAddress> lookup = await(client.addresses("mta-sts.example.test"));

        assertEquals(List.of("192.0.2.1", "2001:db8:0:0:0:0:0:1"),
                lookup.values().stream().map(InetAddress::getHostAddress).toList());
    }

    @Test
    void anAddressFamilyWithoutRecordsLeavesTheOther() throws Exception {
        dns.a("v4only.example.test", "192.0.2.7");

        DnsLookup<InetAddress> lookup = await(client.addresses("v4only.example.test"));

        assertInstanceOf(DnsLookup.Found.class, lookup);
        assertEquals(1, lookup.values().size());
    }

    @Test
    void aHostWithoutAddressesIsNoDataAndAMissingOneNxDomain() throws Exception {
        dns.txt("textonly.example.test", "hello");

        assertInstanceOf(DnsLookup.NoData.class, await(client.addresses("textonly.example.test")));
        assertInstanceOf(DnsLookup.NxDomain.class, await(client.addresses("missing.example.test")));
    }

    @Test
    void tellsNoDataFromNxDomain() throws Exception {
        dns.a("host.example.test", "192.0.2.1");
        dns.txt("_mta-sts.deep.example.test", "v=STSv1; id=1;");

        assertInstanceOf(DnsLookup.NoData.class, await(client.txt("host.example.test")), "a name with other types");
        assertInstanceOf(DnsLookup.NoData.class, await(client.txt("deep.example.test")), "an empty non-terminal");
        assertInstanceOf(DnsLookup.NxDomain.class, await(client.txt("nothing.example.test")));
    }

    @Test
    void followsACnameChainTheResolverChased() throws Exception {
        dns.cname("_mta-sts.example.test", "_mta-sts.hoster.test");
        dns.cname("_mta-sts.hoster.test", "sts.hoster.test");
        dns.txt("sts.hoster.test", "v=STSv1; id=hosted;");

        DnsLookup<String> lookup = await(client.txt("_mta-sts.example.test"));

        DnsLookup.Found<String> found = assertInstanceOf(DnsLookup.Found.class, lookup);
        assertEquals(List.of("v=STSv1; id=hosted;"), found.values());
        assertEquals("_mta-sts.example.test", found.name());
        assertEquals("sts.hoster.test", found.canonicalName());
        assertEquals(1, dns.queries("_mta-sts.example.test"));
        assertEquals(0, dns.queries("sts.hoster.test"), "the resolver's chased answer is used as it is");
    }

    @Test
    void followsACnameChainItselfWhenTheResolverDoesNot() throws Exception {
        dns.chaseCnames(false);
        dns.cname("_mta-sts.example.test", "_mta-sts.hoster.test");
        dns.cname("_mta-sts.hoster.test", "sts.hoster.test");
        dns.txt("sts.hoster.test", "v=STSv1; id=hosted;");

        DnsLookup<String> lookup = await(client.txt("_mta-sts.example.test"));

        assertEquals(List.of("v=STSv1; id=hosted;"), lookup.values());
        assertEquals(1, dns.queries("sts.hoster.test"));
    }

    @Test
    void aCnameToANameWithoutTheTypeIsNoDataAndToNothingNxDomain() throws Exception {
        dns.cname("_mta-sts.a.test", "target.hoster.test").a("target.hoster.test", "192.0.2.1");
        dns.cname("_mta-sts.b.test", "gone.hoster.test");

        assertInstanceOf(DnsLookup.NoData.class, await(client.txt("_mta-sts.a.test")));
        assertInstanceOf(DnsLookup.NxDomain.class, await(client.txt("_mta-sts.b.test")));
    }

    @Test
    void aCnameLoopIsAFailureNotNoRecord() throws Exception {
        dns.chaseCnames(false);
        dns.cname("a.loop.test", "b.loop.test").cname("b.loop.test", "a.loop.test");

        DnsLookup<String> lookup = await(client.txt("a.loop.test"));

        DnsLookup.Failed<String> failed = assertInstanceOf(DnsLookup.Failed.class, lookup);
        assertEquals(DnsFailure.BAD_RESPONSE, failed.reason());
        assertTrue(failed.detail().contains("loops"), failed.detail());
    }

    @Test
    void aChainOfMoreThanEightCnamesIsRefused() throws Exception {
        dns.chaseCnames(false);
        for (int i = 0; i < DnsClient.MAX_CNAMES + 1; i++) {
            dns.cname("c" + i + ".chain.test", "c" + (i + 1) + ".chain.test");
        }
        dns.txt("c" + (DnsClient.MAX_CNAMES + 1) + ".chain.test", "end");
        dns.cname("d0.chain.test", "d1.chain.test");
        for (int i = 1; i < DnsClient.MAX_CNAMES; i++) {
            dns.cname("d" + i + ".chain.test", "d" + (i + 1) + ".chain.test");
        }
        dns.txt("d" + DnsClient.MAX_CNAMES + ".chain.test", "end");

        DnsLookup.Failed<String> tooLong = assertInstanceOf(DnsLookup.Failed.class, await(client.txt("c0.chain.test")));
        assertEquals(DnsFailure.BAD_RESPONSE, tooLong.reason());
        assertEquals(List.of("end"), await(client.txt("d0.chain.test")).values(), "eight CNAMEs are followed");
    }

    @Test
    void servfailRefusedAndSilenceAreFailuresEachNamed() throws Exception {
        // Only silence waits out the timeout; the answered failures must not race it on a busy machine.
        DnsClient impatient = new DnsClient(new DnsSettings(dns.address(), Duration.ofMillis(300)));
        client = new DnsClient(new DnsSettings(dns.address(), Duration.ofSeconds(8)));
        dns.txt("_mta-sts.example.test", "v=STSv1; id=1;");
        dns.fault("_mta-sts.example.test", Fault.SERVFAIL);
        dns.fault("_mta-sts.refused.test", Fault.REFUSED);
        dns.fault("_mta-sts.silent.test", Fault.TIMEOUT);

        assertFailure(DnsFailure.SERVFAIL, "SERVFAIL", await(client.txt("_mta-sts.example.test")));
        assertFailure(DnsFailure.REFUSED, "REFUSED", await(client.txt("_mta-sts.refused.test")));
        assertFailure(DnsFailure.TIMEOUT, "no answer", await(impatient.txt("_mta-sts.silent.test")));
        assertFailure(DnsFailure.SERVFAIL, "SERVFAIL", await(client.addresses("_mta-sts.example.test")));
    }

    @Test
    void aBrokenCnameTargetIsAFailure() throws Exception {
        dns.cname("_mta-sts.example.test", "_mta-sts.hoster.test").txt("_mta-sts.hoster.test", "v=STSv1; id=1;");
        dns.fault("_mta-sts.hoster.test", Fault.SERVFAIL);

        assertFailure(DnsFailure.SERVFAIL, "SERVFAIL", await(client.txt("_mta-sts.example.test")));
        dns.chaseCnames(false);
        assertFailure(DnsFailure.SERVFAIL, "asking its CNAME target _mta-sts.hoster.test",
                await(client.txt("_mta-sts.example.test")));
    }

    @Test
    void aResolverThatIsNotThereIsAFailure() throws Exception {
        InetSocketAddress nobody;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
        client = new DnsClient(new DnsSettings(nobody, Duration.ofMillis(500)));

        DnsLookup<String> lookup = await(client.txt("_mta-sts.example.test"));

        assertFalse(lookup.answered(), lookup.toString());
        assertTrue(((DnsLookup.Failed<String>) lookup).detail().contains(ResolverAddress.format(nobody)), lookup.toString());
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcp() throws Exception {
        String[] strings = new String[12];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = ("part" + i + "-").repeat(60).substring(0, 250);
        }
        dns.txt("big.example.test", strings);

        DnsLookup<String> lookup = await(client.txt("big.example.test"));

        assertEquals(String.join("", strings), lookup.values().get(0));
        assertEquals(1, dns.tcpQueries("big.example.test"));
    }

    @Test
    void looksUpAnyRecordType() throws Exception {
        dns.mx("example.test", 10, "mx1.example.test");
        dns.tlsa("_25._tcp.mx1.example.test", 3, 1, 1, new byte[32]);

        List<Record> mx = await(client.lookup("example.test", Type.MX)).values();
        List<Record> tlsa = await(client.lookup("_25._tcp.mx1.example.test", Type.TLSA)).values();

        assertEquals("mx1.example.test.", ((MXRecord) mx.get(0)).getTarget().toString());
        assertEquals(3, ((TLSARecord) tlsa.get(0)).getCertificateUsage());
    }

    @Test
    void aNameThatIsNotADnsNameFailsWithoutAQuery() throws Exception {
        DnsLookup<String> lookup = await(client.txt("a..b"));

        assertFailure(DnsFailure.BAD_NAME, "not a DNS name", lookup);
        assertEquals(0, dns.queries());
    }

    private static void assertFailure(DnsFailure reason, String detailPart, DnsLookup<?> lookup) {
        DnsLookup.Failed<?> failed = assertInstanceOf(DnsLookup.Failed.class, lookup);
        assertEquals(reason, failed.reason(), failed.detail());
        assertTrue(failed.detail().contains(detailPart), failed.detail());
    }
}
