package org.starttls.policyd.fetcher.sts;

import java.util.concurrent.CompletableFuture;

/**
 * Where a domain's policy file comes from: {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt}
 * in the daemon (resolved through the configured resolver, WebPKI verified), a local HTTPS host
 * with a test CA in tests. Never blocks the caller and never completes exceptionally: every
 * outcome is a {@link StsPolicyFetch}.
 */
public interface StsPolicySource {
    /** Fetches and parses the policy of a normalised ASCII domain. */
    CompletableFuture<StsPolicyFetch> fetch(String domain);
}
