package org.starttls.policyd.server.config;

/** Limits of the {@code mta-sts:} section that have no typed counterpart of their own. */
final class MtaStsDefaults {
    /** The cache holds at most this many domains (bounded memory and state file). */
    static final int MAX_CACHE_SIZE = 1_000_000;

    private MtaStsDefaults() {
    }
}
