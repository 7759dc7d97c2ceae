package org.starttls.policyd.server.testing;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.server.dane.DaneLookup;

/**
 * A {@link DaneLookup} whose verdicts the test completes by hand: the seam between the socketmap
 * door and the DANE resolver, for tests of the door's waiting and ordering (as
 * {@link ControlledStsLookup} is for MTA-STS). Daemon tests use the real resolver in the DNSSEC world.
 */
public final class ControlledDaneLookup implements DaneLookup {
    private final Map<String, CompletableFuture<DaneVerdict>> verdicts = new ConcurrentHashMap<>();
    private final AtomicInteger asked = new AtomicInteger();
    private volatile boolean applies = true;
    private final Map<String, DaneVerdict> knownNow = new ConcurrentHashMap<>();

    /** The verdict of {@code domain}, pending until the test completes it. */
    public CompletableFuture<DaneVerdict> pending(String domain) {
        return verdicts.computeIfAbsent(domain, d -> new CompletableFuture<>());
    }

    /** {@code domain} is answered {@code kind} at once, as from the cache. */
    public ControlledDaneLookup answer(String domain, DaneVerdict.Kind kind) {
        pending(domain).complete(verdict(kind));
        return this;
    }

    /** From now on DANE does not apply (as with a resolver that answers without validating). */
    public ControlledDaneLookup notApplying() {
        applies = false;
        return this;
    }

    /** {@code domain} is known to be {@code kind} without asking ({@link #knownNow}: cached and fresh). */
    public ControlledDaneLookup knownNow(String domain, DaneVerdict.Kind kind) {
        knownNow.put(domain, verdict(kind));
        return this;
    }

    @Override
    public DaneVerdict knownNow(String domain) {
        return knownNow.get(domain);
    }

    @Override
    public boolean applies() {
        return applies;
    }

    public static DaneVerdict verdict(DaneVerdict.Kind kind) {
        return new DaneVerdict(kind, "the test says " + kind);
    }

    @Override
    public CompletableFuture<DaneVerdict> verdict(String domain) {
        asked.incrementAndGet();
        return pending(domain);
    }

    public int asked() {
        return asked.get();
    }
}
