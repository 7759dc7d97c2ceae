package org.starttls.policyd.server.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.fetcher.sts.StsFailure;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.sts.StsPolicyFetch;
import org.starttls.policyd.fetcher.sts.StsPolicySource;
import org.starttls.policyd.fetcher.sts.StsRecordLookup;
import org.starttls.policyd.fetcher.sts.StsRecordSource;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.testing.LocalDaemon;

class StsNetworkTest {
    @TempDir
    Path dir;

    @Test
    void aWrappingNetworkAnswersThroughItsSourcesAndClosingItClosesTheOneItWraps() throws Exception {
        try (StsWorld world = StsWorld.start()) {
            world.publish("wrapped.test", "1", StsWorld.policy("enforce", 86400, "mx.wrapped.test"));
            PolicydConfig config = LocalDaemon.config(dir, dir.resolve("policy.json"));
            config.mtaSts.enabled = true;
            config.mtaSts.trustStore = world.writeTrustPem(dir.resolve("test-ca.pem")).toString();
            config.dns.resolver = world.resolverSetting();
            DaemonSettings settings = DaemonSettings.from(config, null);
            StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort())
                    .withDeadline(Duration.ofSeconds(20));
            StsNetwork underlying = StsNetwork.open(settings, fetch);
            AtomicInteger lookups = new AtomicInteger();
            StsRecordSource records = domain -> {
                lookups.incrementAndGet();
                return underlying.records().lookup(domain);
            };
            StsPolicySource policies = underlying.policies()::fetch;
            StsNetwork wrapping = StsNetwork.wrapping(underlying, records, policies);

            assertSame(records, wrapping.records());
            assertSame(policies, wrapping.policies());
            assertInstanceOf(StsRecordLookup.Answered.class, wrapping.records().lookup("wrapped.test").get());
            assertEquals(1, lookups.get());
            assertInstanceOf(StsPolicyFetch.Parsed.class, wrapping.policies().fetch("wrapped.test").get());

            wrapping.close();
            CompletableFuture<StsPolicyFetch> afterClose = underlying.policies().fetch("wrapped.test");
            StsPolicyFetch.Failed failed = assertInstanceOf(StsPolicyFetch.Failed.class, afterClose.get());
            assertEquals(StsFailure.BUSY, failed.kind(), failed.detail());
        }
    }
}
