package org.starttls.policyd.fetcher.sts;

/**
 * An answer about a domain that has no cached policy, kept so the network is not asked again too
 * soon: a failure ({@link StsOutcome.Unusable}, for the failure retry interval) or DNS's "no
 * record" ({@link StsOutcome.NoPolicy}, for the TXT re-check interval).
 *
 * @param answer what {@code resolve} returns meanwhile
 * @param untilMillis when the network may be asked again (epoch milliseconds of the resolver's clock)
 */
record Remembered(SettledResolution answer, long untilMillis) {
    boolean holdsAt(long nowMillis) {
        return nowMillis < untilMillis;
    }

    boolean isFailure() {
        return answer.outcome().join() instanceof StsOutcome.Unusable;
    }
}
