package org.starttls.policyd.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.fetcher.dns.DnsLookup;
import org.starttls.policyd.server.receiving.Finding;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * {@code mx_coverage}: every MX host of the domain (its MX records as a sender looks them up, or
 * the domain itself without any: RFC 5321's implicit MX) is matched by an {@code mx:} pattern,
 * by the RFC's rule ({@code *.} is one label); an enforcing sender refuses the others. And
 * {@code mx_patterns} with {@code --mx}: the published patterns are exactly those.
 */
final class MxFindings {
    static final String COVERAGE = "mx_coverage";
    static final String PATTERNS = "mx_patterns";

    private MxFindings() {
    }

    static List<Finding> judge(String domain, DnsLookup<Record> mx, StsPolicy policy, List<StsMxPattern> expected) {
        List<Finding> findings = new ArrayList<>();
        findings.add(coverage(domain, mx, policy));
        if (!expected.isEmpty()) {
            findings.add(policy == null ? Finding.skip(PATTERNS, "no valid policy to compare with --mx")
                    : patterns(policy, expected));
        }
        return findings;
    }

    private static Finding coverage(String domain, DnsLookup<Record> mx, StsPolicy policy) {
        if (mx instanceof DnsLookup.Failed<Record> failed) {
            return Finding.fail(COVERAGE, "the MX records of " + domain + " could not be looked up: " + failed.detail(),
                    "check the zone's name servers, or ask another resolver with --resolver");
        }
        if (mx instanceof DnsLookup.NxDomain) {
            return Finding.fail(COVERAGE, domain + " does not exist (NXDOMAIN)", "check the domain's name and its "
                    + "delegation");
        }
        Set<String> hosts = new LinkedHashSet<>();
        boolean nullMx = false;
        for (Record record : mx.values()) {
            Name target = ((MXRecord) record).getTarget();
            if (target.equals(Name.root)) {
                nullMx = true;
            } else {
                hosts.add(shown(target));
            }
        }
        boolean implicit = mx instanceof DnsLookup.NoData;
        if (implicit) {
            hosts.add(domain);
        }
        if (hosts.isEmpty() && nullMx) {
            return Finding.warn(COVERAGE, domain + " publishes a null MX (RFC 7505): it receives no mail, so "
                    + "MTA-STS protects nothing", "publish MX records, or withdraw the MTA-STS records");
        }
        String which = implicit ? domain + " has no MX record; senders deliver to " + domain + " itself"
                : "MX hosts " + String.join(", ", hosts);
        if (policy == null) {
            return Finding.skip(COVERAGE, which + "; no valid policy to compare them with");
        }
        if (policy.mode() == StsMode.NONE) {
            return Finding.skip(COVERAGE, which + "; mode none lists no MX patterns");
        }
        List<String> uncovered = hosts.stream().filter(host -> !policy.coversMx(host)).toList();
        String patterns = policy.mx().stream().map(StsMxPattern::toStsForm).collect(Collectors.joining(", "));
        if (uncovered.isEmpty()) {
            return Finding.pass(COVERAGE, which + ": each matches an mx: pattern (" + patterns + ")");
        }
        return Finding.fail(COVERAGE, String.join(", ", uncovered) + (uncovered.size() == 1 ? " is" : " are")
                + " an MX host of " + domain + " that no mx: pattern (" + patterns + ") matches; an enforcing sender "
                + "will not deliver there (*.DOMAIN matches one label only)", "publish again with an --mx for "
                + (uncovered.size() == 1 ? "it" : "each") + " (policyctl sts publish --mx " + String.join(" ", uncovered)
                + " ...), serve the new file and publish its new id");
    }

    private static Finding patterns(StsPolicy policy, List<StsMxPattern> expected) {
        Set<StsMxPattern> published = new LinkedHashSet<>(policy.mx());
        Set<StsMxPattern> wanted = new LinkedHashSet<>(expected);
        List<String> missing = wanted.stream().filter(p -> !published.contains(p)).map(StsMxPattern::toStsForm).toList();
        List<String> extra = published.stream().filter(p -> !wanted.contains(p)).map(StsMxPattern::toStsForm).toList();
        if (missing.isEmpty() && extra.isEmpty()) {
            return Finding.pass(PATTERNS, "the policy's mx: patterns are exactly --mx");
        }
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("lacks " + String.join(", ", missing));
        }
        if (!extra.isEmpty()) {
            parts.add("also lists " + String.join(", ", extra));
        }
        return Finding.fail(PATTERNS, "the served policy " + String.join(" and ", parts) + " (--mx: "
                + wanted.stream().map(StsMxPattern::toStsForm).collect(Collectors.joining(", ")) + ")",
                "serve the file policyctl sts publish wrote with these --mx (is an old copy still served?), "
                + "and publish its new id");
    }

    private static String shown(Name name) {
        String text = name.toString(true).toLowerCase(Locale.ROOT);
        return org.starttls.policyd.core.sts.Excerpt.sentence(text);
    }
}
