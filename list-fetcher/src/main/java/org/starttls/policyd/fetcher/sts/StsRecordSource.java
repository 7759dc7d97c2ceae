package org.starttls.policyd.fetcher.sts;

import java.util.concurrent.CompletableFuture;

/**
 * Where a domain's {@code _mta-sts} TXT record comes from: the configured DNS resolver in the
 * daemon, a local DNS server in tests. Never blocks the caller and never completes exceptionally:
 * every outcome, a DNS failure included, is a {@link StsRecordLookup}.
 */
public interface StsRecordSource {
    /** Looks up {@code _mta-sts.DOMAIN} (CNAMEs followed) for a normalised ASCII domain. */
    CompletableFuture<StsRecordLookup> lookup(String domain);
}
