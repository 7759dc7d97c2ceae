package org.starttls.policyd.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where Sendmail and Postfix read the same {@code match=} differently: Postfix lets
 * {@code .example.com} match a host at any depth below {@code example.com}, Sendmail's STS only
 * one label below ({@code mx.example.com}, not {@code a.mx.example.com}), and then defers
 * ({@code 450 MXHOST not found in .example.com}). For {@code policyctl lookup --map sts}: the MX
 * hosts a {@code secure} answer lets Postfix reach but not Sendmail.
 */
final class SendmailMatchDepth {
    /** The socketmap map Sendmail's {@code FEATURE(sts)} asks (a fixed name in its rulesets). */
    static final String SENDMAIL_MAP = "sts";

    private SendmailMatchDepth() {
    }

    /** The patterns of the answer's {@code match=} attribute; empty without one. */
    static List<String> patterns(String socketmapAnswer) {
        for (String word : socketmapAnswer.split(" ")) {
            if (word.startsWith("match=")) {
                return Arrays.stream(word.substring("match=".length()).split(":")).filter(p -> !p.isEmpty())
                        .map(p -> p.toLowerCase(Locale.ROOT)).toList();
            }
        }
        return List.of();
    }

    /** Whether any pattern is a {@code .domain} one, the only kind the two MTAs read differently. */
    static boolean hasParentPattern(List<String> patterns) {
        return patterns.stream().anyMatch(p -> p.startsWith("."));
    }

    /** The hosts of {@code mxHosts} that Postfix would accept under {@code patterns} and Sendmail would not. */
    static List<String> deeperThanSendmailMatches(List<String> patterns, List<String> mxHosts) {
        List<String> deeper = new ArrayList<>();
        for (String mx : mxHosts) {
            String host = stripDot(mx.toLowerCase(Locale.ROOT));
            if (matchesAnyDepth(patterns, host) && !matchesOneLabel(patterns, host)) {
                deeper.add(host);
            }
        }
        return deeper;
    }

    /** The warning for those hosts, naming what to change. */
    static String warning(String domain, List<String> deeper, List<String> patterns) {
        return "Sendmail matches a .domain pattern only one label deep: " + String.join(", ", deeper) + " (MX of "
                + domain + ") is below " + String.join(":", patterns) + " by more than one label, so Sendmail defers"
                + " mail to it (450 MXHOST not found) although Postfix accepts it; list the MX names themselves"
                + " (or their exact parent) for Sendmail";
    }

    private static boolean matchesAnyDepth(List<String> patterns, String host) {
        return patterns.stream().anyMatch(p -> p.startsWith(".") ? host.endsWith(p) : host.equals(p));
    }

    private static boolean matchesOneLabel(List<String> patterns, String host) {
        return patterns.stream().anyMatch(p -> p.startsWith(".")
                ? host.endsWith(p) && host.indexOf('.') == host.length() - p.length()
                : host.equals(p));
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
