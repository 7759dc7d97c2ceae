package org.starttls.policyd.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.starttls.policyd.core.sts.Ascii;
import org.starttls.policyd.core.sts.Excerpt;

/**
 * A domain's TLS-RPT record ({@code _smtp._tls.DOMAIN} TXT, RFC 8460 section 3), read as a
 * reporting sender reads it:
 *
 * <pre>
 * tlsrpt-record    = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
 * field-delim      = *WSP ";" *WSP
 * tlsrpt-field     = tlsrpt-rua / tlsrpt-extension
 * tlsrpt-version   = %s"v=TLSRPTv1"
 * tlsrpt-rua       = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 * tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value
 * tlsrpt-ext-name  = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 * tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)
 * </pre>
 *
 * Records that do not begin with the version are discarded; anything but exactly one left means
 * reporters assume the domain takes no reports. {@code rua} is required, and its URIs must be
 * {@code mailto:} (with an address) or {@code https:} (with a host): the two schemes reporters
 * deliver to.
 */
final class TlsRptRecord {
    static final String VERSION = "v=TLSRPTv1";

    /** What the records at {@code _smtp._tls.DOMAIN} give. */
    sealed interface Result {
    }

    /** No record begins with {@value #VERSION}. */
    record Absent(int otherRecords) implements Result {
    }

    /** More than one does: reporters use none. */
    record Several(int count) implements Result {
    }

    /** The one record breaks the grammar; {@code problem} says where. */
    record Invalid(String record, String problem) implements Result {
    }

    /** The one record, and where reports go. */
    record Valid(String record, List<String> rua) implements Result {
        Valid {
            rua = List.copyOf(rua);
        }
    }

    private TlsRptRecord() {
    }

    /** Chooses and reads the record among the TXT records (each one's strings joined). */
    static Result select(List<String> txtRecords) {
        List<String> candidates = new ArrayList<>();
        for (String txt : txtRecords) {
            if (beginsWithVersion(txt)) {
                candidates.add(txt);
            }
        }
        if (candidates.isEmpty()) {
            return new Absent(txtRecords.size());
        }
        if (candidates.size() > 1) {
            return new Several(candidates.size());
        }
        return parse(candidates.get(0));
    }

    private static boolean beginsWithVersion(String txt) {
        if (!txt.startsWith(VERSION)) {
            return false;
        }
        return txt.length() == VERSION.length() || txt.charAt(VERSION.length()) == ';' || Ascii.isWsp(txt.charAt(VERSION.length()));
    }

    private static Result parse(String txt) {
        String[] parts = txt.substring(VERSION.length()).split(";", -1);
        if (!parts[0].isBlank()) {
            return new Invalid(txt, "expected ';' after " + VERSION);
        }
        List<String> rua = null;
        for (int i = 1; i < parts.length; i++) {
            String field = Ascii.trimWsp(parts[i]);
            if (field.isEmpty()) {
                if (i == parts.length - 1) {
                    break; // the one trailing ';' the grammar allows
                }
                return new Invalid(txt, "empty field");
            }
            int equals = field.indexOf('=');
            String name = equals < 0 ? field : field.substring(0, equals);
            if (equals < 0 || !Ascii.isExtensionName(name)) {
                return new Invalid(txt, "field " + Excerpt.of(field) + " is not name=value");
            }
            String value = field.substring(equals + 1);
            if (name.equals("rua")) {
                if (rua != null) {
                    return new Invalid(txt, "two rua fields; list every URI in one, separated by ','");
                }
                rua = new ArrayList<>();
                for (String uri : value.split(",", -1)) {
                    String problem = uriProblem(Ascii.trimWsp(uri));
                    if (problem != null) {
                        return new Invalid(txt, problem);
                    }
                    rua.add(Ascii.trimWsp(uri));
                }
            } else if (!isExtensionValue(value)) {
                return new Invalid(txt, "field " + Excerpt.of(name) + " has an empty value or one with white space, "
                        + "';', '=' or a non-ASCII character");
            }
        }
        if (rua == null) {
            return new Invalid(txt, "no rua= field: reports have nowhere to go");
        }
        return new Valid(txt, rua);
    }

    /** Null for a {@code mailto:} URI with an address or an {@code https:} URI with a host; else why not. */
    private static String uriProblem(String text) {
        if (text.isEmpty()) {
            return "an empty rua URI";
        }
        URI uri;
        try {
            uri = new URI(text); // syntax only: nothing is resolved
        } catch (URISyntaxException e) {
            return "rua " + Excerpt.of(text) + " is not a URI (" + Excerpt.sentence(e.getReason()) + ")";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("mailto")) {
            String address = uri.getSchemeSpecificPart();
            int at = address == null ? -1 : address.indexOf('@');
            return at > 0 && at < address.length() - 1 ? null : "rua " + Excerpt.of(text) + " has no mail address";
        }
        if (scheme.equals("https")) {
            return uri.getHost() != null ? null : "rua " + Excerpt.of(text) + " has no host";
        }
        return "rua " + Excerpt.of(text) + " is neither mailto: nor https:, the schemes reporters deliver to";
    }

    private static boolean isExtensionValue(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
                return false;
            }
        }
        return true;
    }
}
