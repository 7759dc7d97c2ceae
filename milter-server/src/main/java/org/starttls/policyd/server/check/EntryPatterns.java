package org.starttls.policyd.server.check;

import java.util.List;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.core.sts.StsPolicy;

/** The {@code mxs} of a built list entry. */
final class EntryPatterns {
    private EntryPatterns() {
    }

    /**
     * The domain's own MTA-STS patterns: {@code *.example.com} becomes the list's
     * {@code .example.com}, as policyd already widens it for Postfix's {@code match=} (see
     * {@link StsMxPattern#toPostfixMatch}).
     */
    static List<MxPattern> fromSts(StsPolicy policy) {
        return policy.mx().stream().map(pattern -> MxPattern.of(pattern.toPostfixMatch())).distinct().toList();
    }

    /**
     * The MX host names themselves, sorted: the narrowest patterns that cover them. A wildcard
     * would also admit hosts nobody checked (and that the domain never named).
     */
    static List<MxPattern> fromHosts(List<String> hosts) {
        return hosts.stream().sorted().distinct().map(MxPattern::of).toList();
    }
}
