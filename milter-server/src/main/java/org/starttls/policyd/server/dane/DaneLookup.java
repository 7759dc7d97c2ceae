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

    /** The resolver's verdicts (a completed future stays completed, so a cached answer is still answered at once). */
    static DaneLookup of(DaneResolver resolver) {
        Objects.requireNonNull(resolver, "resolver");
        return domain -> resolver.resolve(domain).thenApply(DaneResolver.DaneAnswer::verdict);
    }
}
