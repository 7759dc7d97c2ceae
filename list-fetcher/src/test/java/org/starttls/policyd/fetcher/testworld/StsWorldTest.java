package org.starttls.policyd.fetcher.testworld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.core.sts.StsRecordResult;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsSettings;
import org.starttls.policyd.fetcher.dns.ResolverAddress;
import org.starttls.policyd.fetcher.sts.DnsStsRecordSource;
import org.starttls.policyd.fetcher.sts.HttpsStsPolicySource;
import org.starttls.policyd.fetcher.sts.PolicyHostTrust;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.sts.StsPolicyFetch;
import org.starttls.policyd.fetcher.sts.StsRecordLookup;

/** The facade as the daemon's tests use it: settings as an admin writes them, the real sources. */
class StsWorldTest {
    @TempDir
    Path dir;

    @Test
    void aPublishedDomainResolvesThroughTheRealSourcesAndAnUnpublishedOneHasNoRecord() throws Exception {
        try (StsWorld world = StsWorld.start()) {
            world.publish("example.test", "v1", StsWorld.policy("testing", 3600, "mx.example.test"));
            DnsClient dns = new DnsClient(DnsSettings.of(ResolverAddress.parse(world.resolverSetting())));
            PolicyHostTrust trust = PolicyHostTrust.pemBundle(world.writeTrustPem(dir.resolve("ca.pem")));
            try (HttpsStsPolicySource policies = new HttpsStsPolicySource(dns, trust,
                    StsFetchSettings.defaults().withPort(world.httpsPort()))) {
                DnsStsRecordSource records = new DnsStsRecordSource(dns);

                StsRecordLookup.Answered record = assertInstanceOf(StsRecordLookup.Answered.class,
                        records.lookup("example.test").get(10, TimeUnit.SECONDS));
                StsPolicyFetch.Parsed policy = assertInstanceOf(StsPolicyFetch.Parsed.class,
                        policies.fetch("example.test").get(10, TimeUnit.SECONDS));

                assertEquals("v1", assertInstanceOf(StsRecordResult.Found.class, record.result()).record().id());
                assertInstanceOf(StsPolicyResult.Valid.class, policy.result());
                assertEquals(1, world.recordQueries("example.test"));
                assertEquals(1, world.policyRequests("example.test"));

                world.unpublish("example.test");
                StsRecordLookup.Answered gone = assertInstanceOf(StsRecordLookup.Answered.class,
                        records.lookup("example.test").get(10, TimeUnit.SECONDS));
                assertInstanceOf(StsRecordResult.Refused.class, gone.result());
            }
        }
    }
}
