package org.starttls.policyd.server.dane;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.fetcher.dane.DaneResolver;

/**
 * What the socketmap door asks about DANE: the verdict for a normalised domain, complete at once
 * when it is cached. Implementations never block the caller. The daemon's is its
 * {@link DaneResolver}; tests of the door's waiting hold verdicts by hand.
 */
@FunctionalInterface
public interface DaneLookup {
    CompletableFuture<DaneVerdict> verdict(String domain);

    /**
     * Whether DANE can decide anything now; when false every verdict would be "no DANE" and the
     * door skips DANE for the request. Cheap (no lookup, no allocation); true unless known otherwise.
     */
    default boolean applies() {
        return true;
    }

    /**
     * The verdict when it is known now with no work and no allocation (cached, not due for a
     * refresh), else null: {@link #verdict} then answers. Null unless an implementation knows better.
     */
    default DaneVerdict knownNow(String domain) {
        return null;
    }

    /** The resolver's verdicts (a completed future stays completed, so a cached answer is still answered at once). */
    static DaneLookup of(DaneResolver resolver) {
        Objects.requireNonNull(resolver, "resolver");
        return new DaneLookup() {
            @Override
            public CompletableFuture<DaneVerdict> verdict(String domain) {
                return resolver.resolve(domain).thenApply(DaneResolver.DaneAnswer::verdict);
            }

            @Override
            public DaneVerdict knownNow(String domain) {
                return resolver.freshVerdict(domain);
            }

            @Override
            public boolean applies() {
                return resolver.appliesNow();
            }
        };
    }
}
