package org.starttls.policyd.core.sts;

import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;

/**
 * One {@code mx:} line of an MTA-STS policy: a host name ({@code mail.example.com}) or a wildcard
 * {@code *.example.com}, normalised as {@link DomainName} does (A-labels, lower case, no trailing
 * dot).
 *
 * <p><b>Matching (RFC 8461 section 4.1).</b> A wildcard stands for exactly one left-most label:
 * {@code *.example.com} matches {@code mx1.example.com}, not {@code a.b.example.com} and not
 * {@code example.com}. A plain pattern matches only itself. Case and a trailing dot are ignored.
 * {@link #matches} applies this rule; policyd's own checks and {@code policyctl} use it.
 *
 * <p><b>What Postfix is told, and why it is wider.</b> Postfix's {@code match=} has no one-label
 * wildcard: a leading-dot entry {@code .example.com} accepts a certificate name at any depth below
 * the domain. {@link #toPostfixMatch} therefore sends {@code .example.com} for
 * {@code *.example.com}, so {@code a.b.example.com} is accepted too. We take that widening on
 * purpose: it stays inside the suffix the domain itself published, the certificate must still
 * verify under WebPKI for a name in it, and TLS stays mandatory. The alternatives are worse:
 * dropping the pattern would leave the domain without enforcement (or with a policy that defers
 * mail its own MX hosts should receive), and listing host names we cannot know is impossible.
 * Postfix 3.10.5 and later can apply the RFC's rule itself: with
 * {@code smtp_tls_enforce_sts_mx_patterns = yes} and an answer that carries the TLSRPT attributes
 * ({@code policy_type=sts}, {@code mx_host_pattern=} in the {@link #toStsForm} form), it matches
 * the MX host name against the STS patterns with one-label wildcards; those attributes are sent
 * only on maps that opt in, because Postfix 3.9 and older defer all mail on them.
 *
 * <p><b>What is refused.</b> IP addresses (bracketed or not, v4 or v6), names with a single
 * label, an all-numeric last label, {@code *.} with nothing after it, a wildcard anywhere but the
 * first label ({@code *.*.example.com}, {@code *example.com}), and anything else that is not a
 * host name. A refused pattern never reaches a {@code match=} value.
 */
public final class StsMxPattern {
    private static final String WILDCARD = "*.";

    /** The normalised host name, or for a wildcard the domain after {@code *.}. */
    private final String domain;
    private final boolean wildcard;

    private StsMxPattern(String domain, boolean wildcard) {
        this.domain = domain;
        this.wildcard = wildcard;
    }

    /**
     * Validates and normalises one {@code mx:} value; throws {@link InvalidNameException} saying
     * why it cannot be a pattern (the policy parser drops such a line with a warning).
     */
    public static StsMxPattern of(String text) {
        if (text == null) {
            throw new InvalidNameException("MX pattern is missing");
        }
        String trimmed = text.strip();
        boolean wildcard = trimmed.length() >= 2 && trimmed.charAt(0) == '*' && isDot(trimmed.charAt(1));
        String host = wildcard ? trimmed.substring(2) : trimmed;
        if (looksLikeAddress(host)) {
            throw new InvalidNameException("MX pattern " + Excerpt.of(text)
                    + " is an IP address; MTA-STS names MX hosts by name");
        }
        String normalized;
        try {
            normalized = DomainName.normalize(host);
        } catch (InvalidNameException e) {
            throw new InvalidNameException("MX pattern " + Excerpt.of(text) + " is not a host name"
                    + (wildcard ? " after \"*.\"" : "") + ": " + Excerpt.sentence(e.getMessage()));
        }
        if (Ascii.isDigit(normalized.charAt(normalized.length() - 1)) && isAllDigits(lastLabel(normalized))) {
            throw new InvalidNameException("MX pattern " + Excerpt.of(text)
                    + " ends in an all-numeric label; no host name does (RFC 3696 section 2)");
        }
        return new StsMxPattern(normalized, wildcard);
    }

    /** The dots IDNA treats as label separators (RFC 3490 section 3.1), as {@link DomainName} does. */
    private static boolean isDot(char c) {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61';
    }

    /**
     * An address literal in any form an admin might write: {@code [192.0.2.1]}, {@code 192.0.2.1},
     * {@code 2001:db8::1}, {@code [IPv6:2001:db8::1]}. Checked before the name rules so the warning
     * says what the line really is; all-numeric names are caught again below.
     */
    static boolean looksLikeAddress(String host) {
        String h = host;
        if (h.startsWith("[") && h.endsWith("]") && h.length() > 2) {
            return true;
        }
        if (h.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return true;
        }
        if (h.indexOf(':') >= 0) {
            for (int i = 0; i < h.length(); i++) {
                char c = h.charAt(i);
                boolean hex = Ascii.isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                if (!hex && c != ':' && c != '.') {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static String lastLabel(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static boolean isAllDigits(String label) {
        for (int i = 0; i < label.length(); i++) {
            if (!Ascii.isDigit(label.charAt(i))) {
                return false;
            }
        }
        return !label.isEmpty();
    }

    public boolean isWildcard() {
        return wildcard;
    }

    /**
     * Whether the MX host {@code host} (any case, A- or U-labels, trailing dot allowed) is covered,
     * by the RFC's rule: a wildcard covers exactly one label in front of its domain.
     */
    public boolean matches(String host) {
        String h;
        try {
            h = DomainName.normalize(host);
        } catch (InvalidNameException e) {
            return false;
        }
        if (!wildcard) {
            return h.equals(domain);
        }
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot + 1).equals(domain);
    }

    /**
     * The entry for Postfix's and Sendmail's {@code match=} list: the host itself, or
     * {@code .example.com} for {@code *.example.com} (any depth; see the class comment for why).
     * Never empty, never containing ':' (the list separator) or white space.
     */
    public String toPostfixMatch() {
        return wildcard ? "." + domain : domain;
    }

    /** The pattern as the policy states it, {@code *.} kept: for TLSRPT's {@code mx_host_pattern}. */
    public String toStsForm() {
        return wildcard ? WILDCARD + domain : domain;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StsMxPattern && ((StsMxPattern) other).wildcard == wildcard
                && ((StsMxPattern) other).domain.equals(domain);
    }

    @Override
    public int hashCode() {
        return domain.hashCode() * 31 + (wildcard ? 1 : 0);
    }

    @Override
    public String toString() {
        return toStsForm();
    }
}
