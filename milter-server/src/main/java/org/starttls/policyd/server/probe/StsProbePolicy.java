package org.starttls.policyd.server.probe;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.starttls.policyd.core.engine.StsBasis;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsMxPattern;

/**
 * An MTA-STS policy as the probe checks it: its {@code mx} patterns in the form Postfix's
 * {@code match=} applies at delivery ({@code *.example.com} as {@code .example.com}; see
 * {@link StsMxPattern#toPostfixMatch}), so the probe judges the MXes delivery would use; the mode
 * {@code enforce} for an enforce policy, else {@code testing} (probed and logged, never deferred).
 * Certificates are still judged by RFC 8461's rules ({@link HostnameMatcher}).
 */
final class StsProbePolicy {
    private StsProbePolicy() {
    }

    /** The policy to probe against, or null when the policy has no pattern to check. */
    static TlsPolicy of(StsBasis sts) {
        Set<MxPattern> patterns = new LinkedHashSet<>();
        for (StsMxPattern pattern : sts.policy().mx()) {
            patterns.add(MxPattern.of(pattern.toPostfixMatch()));
        }
        if (patterns.isEmpty()) {
            return null;
        }
        PolicyMode mode = sts.policy().mode() == StsMode.ENFORCE ? PolicyMode.ENFORCE : PolicyMode.TESTING;
        return new TlsPolicy(mode, List.copyOf(patterns), null);
    }
}
