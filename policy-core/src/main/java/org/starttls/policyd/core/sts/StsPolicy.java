package org.starttls.policyd.core.sts;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A domain's valid MTA-STS policy file, as {@link StsPolicyParser} read it.
 *
 * @param mode what the domain asks senders to do
 * @param maxAge how long a sender may keep using the policy without a fresh copy, 0 to
 *     {@link #MAX_MAX_AGE}
 * @param mx the valid MX patterns in the order the file gives them, duplicates removed; never
 *     empty for {@code enforce} and {@code testing}
 * @param lines the file's non-empty lines as served (line terminators and a byte order mark
 *     removed, nothing else changed), for TLSRPT's {@code policy_string}; untrusted text that any
 *     writer must escape for its own syntax
 * @param warnings what the parser ignored or dropped (an IP address as {@code mx}, a repeated
 *     key), one sentence each, already safe to log
 */
public record StsPolicy(StsMode mode, Duration maxAge, List<StsMxPattern> mx, List<String> lines,
        List<String> warnings) {
    /** RFC 8461 section 3.2: {@code max_age} is at most 31557600 seconds (about a year). */
    public static final Duration MAX_MAX_AGE = Duration.ofSeconds(31_557_600);

    public StsPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(maxAge, "maxAge");
        mx = List.copyOf(mx);
        lines = List.copyOf(lines);
        warnings = List.copyOf(warnings);
        if (maxAge.isNegative() || maxAge.compareTo(MAX_MAX_AGE) > 0) {
            throw new IllegalArgumentException("max_age " + maxAge.getSeconds() + " is outside 0.."
                    + MAX_MAX_AGE.getSeconds() + " seconds");
        }
        if (mode != StsMode.NONE && mx.isEmpty()) {
            // Nothing could satisfy it, and an empty match= would break the MTA's answer.
            throw new IllegalArgumentException("a policy in mode " + mode.wireName() + " needs at least one mx");
        }
    }

    /** Whether {@code host} is one of the policy's MX hosts, by the RFC's matching rule. */
    public boolean coversMx(String host) {
        for (StsMxPattern pattern : mx) {
            if (pattern.matches(host)) {
                return true;
            }
        }
        return false;
    }
}
