package org.starttls.policyd.server.config;

import java.time.Duration;

/** Defaults of the {@code dns:} and {@code mta-sts:} sections that have no typed counterpart of their own. */
final class MtaStsDefaults {
    /** One DNS query's timeout. */
    static final Duration DNS_TIMEOUT = Duration.ofSeconds(5);
    /** The longest DNS timeout accepted: past it a first contact's wait has long run out. */
    static final Duration MAX_DNS_TIMEOUT = Duration.ofSeconds(60);
    /** The cache holds at most this many domains (bounded memory and state file). */
    static final int MAX_CACHE_SIZE = 1_000_000;

    private MtaStsDefaults() {
    }
}
