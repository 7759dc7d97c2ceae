package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.sts.StsRecordRefusal;
import org.starttls.policyd.core.sts.StsRecordResult;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.fetcher.testworld.TestDnsServer.Fault;

class DnsStsRecordSourceTest {
    private StsWorld world;
    private DnsStsRecordSource source;

    @BeforeEach
    void start() throws Exception {
        world = StsWorld.start();
        source = new DnsStsRecordSource(new DnsClient(world.dnsSettings().withTimeout(Duration.ofSeconds(3))));
    }

    @AfterEach
    void stop() {
        world.close();
    }

    private StsRecordLookup lookup(String domain) throws Exception {
        return source.lookup(domain).get(30, TimeUnit.SECONDS);
    }

    private StsRecordResult answered(String domain) throws Exception {
        return assertInstanceOf(StsRecordLookup.Answered.class, lookup(domain)).result();
    }

    @Test
    void findsTheOneValidRecordBesideOthers() throws Exception {
        world.publishRecord("example.test", "v=spf1 -all", "v=STSv1; id=20240101T000000;");

        StsRecordResult.Found found = assertInstanceOf(StsRecordResult.Found.class, answered("example.test"));

        assertEquals("20240101T000000", found.record().id());
        assertEquals(1, world.recordQueries("example.test"));
    }

    @Test
    void followsACnameToAHostedRecord() throws Exception {
        world.dns().cname(StsWorld.recordName("example.test"), "_mta-sts.hoster.test");
        world.publishRecord("hoster.test", "v=STSv1; id=hosted1;");

        assertEquals("hosted1", assertInstanceOf(StsRecordResult.Found.class, answered("example.test")).record().id());
    }

    @Test
    void twoRecordsGiveNoPolicy() throws Exception {
        world.publishRecord("example.test", "v=STSv1; id=one;", "v=STSv1; id=two;");

        assertRefused(StsRecordRefusal.SEVERAL_RECORDS, answered("example.test"));
    }

    @Test
    void aBadIdGivesNoPolicy() throws Exception {
        world.publishRecord("example.test", "v=STSv1; id=2024-01-01;");

        assertRefused(StsRecordRefusal.BAD_ID, answered("example.test"));
    }

    @Test
    void noRecordNoDataAndNxDomainAreAllNoRecord() throws Exception {
        world.publishRecord("spf-only.test", "v=spf1 -all");
        world.dns().a(StsWorld.recordName("nodata.test"), "192.0.2.1");

        assertRefused(StsRecordRefusal.NO_RECORD, answered("spf-only.test"));
        StsRecordResult.Refused nodata = assertRefused(StsRecordRefusal.NO_RECORD, answered("nodata.test"));
        StsRecordResult.Refused nxdomain = assertRefused(StsRecordRefusal.NO_RECORD, answered("nothing.test"));
        assertTrue(nodata.detail().contains("has no TXT record"), nodata.detail());
        assertTrue(nxdomain.detail().contains("_mta-sts.nothing.test does not exist"), nxdomain.detail());
    }

    @Test
    void aDnsFailureIsAFailureNeverNoRecord() throws Exception {
        world.publishRecord("servfail.test", "v=STSv1; id=1;");
        world.breakDns(StsWorld.recordName("servfail.test"), Fault.SERVFAIL);
        world.breakDns(StsWorld.recordName("silent.test"), Fault.TIMEOUT);
        world.breakDns(StsWorld.recordName("refused.test"), Fault.REFUSED);

        for (String domain : new String[] {"servfail.test", "silent.test", "refused.test"}) {
            StsRecordLookup.Failed failed = assertInstanceOf(StsRecordLookup.Failed.class, lookup(domain), domain);
            assertTrue(failed.detail().contains("_mta-sts." + domain), failed.detail());
        }
    }

    @Test
    void neverAsksTheParentZone() throws Exception {
        world.publishRecord("example.test", "v=STSv1; id=parent;");

        assertRefused(StsRecordRefusal.NO_RECORD, answered("sub.example.test"));
        assertEquals(0, world.recordQueries("example.test"));
    }

    private static StsRecordResult.Refused assertRefused(StsRecordRefusal reason, StsRecordResult result) {
        StsRecordResult.Refused refused = assertInstanceOf(StsRecordResult.Refused.class, result);
        assertEquals(reason, refused.reason(), refused.detail());
        return refused;
    }
}
