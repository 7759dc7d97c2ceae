package org.starttls.policyd.core.engine;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * One entry of the operator's overrides file: for a domain ({@code partner.example}) or the
 * domains below one ({@code .example.org}), what the MTA is told instead of what DANE, MTA-STS or
 * the list say.
 *
 * @param name the normalised domain, with a leading dot for "its subdomains"
 * @param policy what the MTA is told
 * @param match the {@code match=} patterns of a {@code secure} override (at least one), else empty
 * @param reason why the operator overrides (required: the next admin must know)
 * @param expires the last day (UTC) the override applies, or null for no end
 * @param line the line of the overrides file it was read from (0 when not from a file)
 */
public record LocalOverride(String name, OverridePolicy policy, List<MxPattern> match, String reason, LocalDate expires,
        int line) {
    public LocalOverride {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reason, "reason");
        match = List.copyOf(match);
        if ((policy == OverridePolicy.SECURE) == match.isEmpty()) {
            throw new IllegalArgumentException(policy == OverridePolicy.SECURE
                    ? "a secure override needs match patterns" : "only a secure override takes match patterns");
        }
    }

    /** Whether the override is for the subdomains of {@link #name} rather than for it. */
    public boolean forSubdomains() {
        return name.startsWith(".");
    }

    /** Whether it still applies at {@code now}: through its {@code expires} day, in UTC. */
    public boolean appliesAt(Instant now) {
        return expires == null || !LocalDate.ofInstant(now, ZoneOffset.UTC).isAfter(expires);
    }

    /** A {@code secure} override's patterns as an enforced policy (for the downgrade probe), else null. */
    public TlsPolicy asTlsPolicy() {
        return policy == OverridePolicy.SECURE ? new TlsPolicy(PolicyMode.ENFORCE, match, null) : null;
    }

    /** {@code secure match=... ("ticket 4711", until 2027-01-31)}: one line for logs and reasons. */
    public String describe() {
        StringBuilder text = new StringBuilder("local override ").append(name).append(": ").append(policy.wireName());
        if (!match.isEmpty()) {
            text.append(" match=").append(String.join(":", match.stream().map(MxPattern::asString).toList()));
        }
        text.append(" (\"").append(reason).append('"');
        if (expires != null) {
            text.append(", until ").append(expires);
        }
        return text.append(')').toString();
    }
}
