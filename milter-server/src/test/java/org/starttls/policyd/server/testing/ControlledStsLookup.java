package org.starttls.policyd.server.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.core.sts.StsPolicyParser;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.fetcher.sts.CachedStsPolicy;
import org.starttls.policyd.fetcher.sts.StsLookup;
import org.starttls.policyd.fetcher.sts.StsOutcome;
import org.starttls.policyd.fetcher.sts.StsResolution;

/**
 * An {@link StsLookup} whose resolutions the test completes by hand: the seam between the doors
 * and the resolver, for tests of the doors' waiting and ordering. Daemon tests use the real
 * resolver against the local DNS and HTTPS world.
 */
public final class ControlledStsLookup implements StsLookup {
    private final Map<String, Controlled> resolutions = new ConcurrentHashMap<>();
    private final AtomicInteger asked = new AtomicInteger();

    /** A resolution the test completes; {@code recordSeen} may be set while it runs. */
    public static final class Controlled implements StsResolution {
        private final CompletableFuture<StsOutcome> outcome = new CompletableFuture<>();
        private volatile boolean recordSeen;

        @Override
        public CompletableFuture<StsOutcome> outcome() {
            return outcome;
        }

        @Override
        public boolean recordSeen() {
            return recordSeen;
        }

        public Controlled seeRecord() {
            recordSeen = true;
            return this;
        }

        public void complete(StsOutcome value) {
            outcome.complete(value);
        }
    }

    /** The resolution of {@code domain}, pending until the test completes it. */
    public Controlled pending(String domain) {
        return resolutions.computeIfAbsent(domain, d -> new Controlled());
    }

    /** {@code domain} answers {@code outcome} at once. */
    public ControlledStsLookup answer(String domain, StsOutcome outcome) {
        pending(domain).complete(outcome);
        return this;
    }

    @Override
    public StsResolution resolve(String domain) {
        asked.incrementAndGet();
        return pending(domain);
    }

    @Override
    public Optional<CachedStsPolicy> cached(String domain) {
        Controlled c = resolutions.get(domain);
        if (c != null && c.outcome.isDone() && c.outcome.join() instanceof StsOutcome.Known known) {
            return Optional.of(known.policy());
        }
        return Optional.empty();
    }

    public int asked() {
        return asked.get();
    }

    /** A valid policy for {@code domain} in {@code mode}, with MX patterns mx1.DOMAIN and *.DOMAIN. */
    public static StsOutcome.Known known(String domain, String mode, Instant fetchedAt) {
        String text = "version: STSv1\nmode: " + mode + "\nmx: mx1." + domain + "\nmx: *." + domain + "\nmax_age: 86400\n";
        StsPolicyResult result = new StsPolicyParser().parse(text.getBytes(StandardCharsets.US_ASCII));
        StsPolicy policy = ((StsPolicyResult.Valid) result).policy();
        return new StsOutcome.Known(new CachedStsPolicy(domain, "id1", policy, fetchedAt, fetchedAt),
                StsOutcome.Freshness.FETCHED);
    }
}
