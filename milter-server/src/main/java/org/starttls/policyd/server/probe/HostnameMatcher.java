package org.starttls.policyd.server.probe;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Whether a certificate names an MX host, as RFC 8461 section 4.1 has it: the host name is
 * compared with the certificate's subject alternative names of type dNSName (the subject's CN is
 * not used); a wildcard is allowed only as the whole leftmost label ({@code *.example.com}) and
 * stands for exactly one label.
 */
public final class HostnameMatcher {
    /** GeneralName tag of dNSName (RFC 5280). */
    private static final int DNS_NAME = 2;

    private HostnameMatcher() {
    }

    public static boolean matches(X509Certificate certificate, String host) {
        for (String name : dnsNames(certificate)) {
            if (matches(name, host)) {
                return true;
            }
        }
        return false;
    }

    /** The dNSName entries of the certificate (empty when it has none or they cannot be read). */
    public static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable extension names nothing
        }
        return names;
    }

    /** {@code pattern} as written in a SAN against a host name; both any case, trailing dot allowed. */
    static boolean matches(String pattern, String host) {
        String p = canonical(pattern);
        String h = canonical(host);
        if (p.isEmpty() || h.isEmpty()) {
            return false;
        }
        if (!p.startsWith("*.")) {
            return p.indexOf('*') < 0 && p.equals(h);
        }
        String base = p.substring(2);
        if (base.indexOf('*') >= 0 || base.indexOf('.') < 0) {
            return false; // a wildcard elsewhere, or over a top-level domain: never
        }
        int firstDot = h.indexOf('.');
        return firstDot > 0 && h.substring(firstDot + 1).equals(base);
    }

    private static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
