package org.starttls.policyd.core.sts;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Chooses and reads a domain's MTA-STS TXT record (RFC 8461 section 3.1):
 *
 * <pre>
 * sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
 * sts-field-delim = *WSP ";" *WSP
 * sts-version     = %s"v=STSv1"
 * sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
 * sts-extension   = sts-ext-name "=" sts-ext-value
 * sts-ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 * sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
 * </pre>
 *
 * <p>Records that do not begin with the version field are discarded before counting, as the RFC
 * says, so an SPF or verification record published at the same name costs nothing. The version
 * is matched exactly ({@code v=STSv1}, case-sensitive as {@code %s} demands) and must end there:
 * {@code v=STSv10} is another version and is discarded. Of what remains, exactly one record must
 * be left, and it must parse; otherwise the domain has no policy.
 *
 * <p>Where the grammar is silent we choose: a second {@code id} field is ignored (first wins, as
 * for the policy file's keys; each must still be valid), and white space after the last field is
 * accepted even without the trailing {@code ;}. Both err towards using the policy the domain
 * evidently meant to publish.
 */
final class StsRecordParser {
    private static final String VERSION = "v=STSv1";

    private StsRecordParser() {
    }

    static StsRecordResult select(List<String> txtRecords) {
        Objects.requireNonNull(txtRecords, "txtRecords");
        List<String> sts = new ArrayList<>(1);
        for (String txt : txtRecords) {
            if (beginsWithVersion(txt)) {
                sts.add(txt);
            }
        }
        if (sts.isEmpty()) {
            return new StsRecordResult.Refused(StsRecordRefusal.NO_RECORD,
                    txtRecords.isEmpty() ? "no TXT record" : "no TXT record begins with " + VERSION
                            + " (" + txtRecords.size() + " other record" + (txtRecords.size() == 1 ? "" : "s") + ")");
        }
        if (sts.size() > 1) {
            return new StsRecordResult.Refused(StsRecordRefusal.SEVERAL_RECORDS,
                    sts.size() + " TXT records begin with " + VERSION + "; RFC 8461 requires exactly one");
        }
        return parse(sts.get(0));
    }

    static boolean beginsWithVersion(String txt) {
        if (txt == null || !txt.startsWith(VERSION)) {
            return false;
        }
        if (txt.length() == VERSION.length()) {
            return true;
        }
        char next = txt.charAt(VERSION.length());
        return next == ';' || Ascii.isWsp(next);
    }

    /** Reads one record already known to begin with the version field. */
    private static StsRecordResult parse(String txt) {
        String[] parts = txt.substring(VERSION.length()).split(";", -1);
        if (!Ascii.isBlank(parts[0])) {
            return syntax(txt, "expected ';' after " + VERSION);
        }
        String id = null;
        for (int i = 1; i < parts.length; i++) {
            String field = Ascii.trimWsp(parts[i]);
            if (field.isEmpty()) {
                if (i == parts.length - 1) {
                    break; // the one trailing ';' the grammar allows
                }
                return syntax(txt, "empty field");
            }
            int equals = field.indexOf('=');
            String name = equals < 0 ? field : field.substring(0, equals);
            if (equals < 0 || !Ascii.isExtensionName(name)) {
                return syntax(txt, "field " + Excerpt.of(field) + " is not name=value");
            }
            String value = field.substring(equals + 1);
            if (name.equals("id")) {
                if (!StsRecord.isValidId(value)) {
                    return new StsRecordResult.Refused(StsRecordRefusal.BAD_ID, "record " + Excerpt.of(txt)
                            + ": id " + Excerpt.of(value) + " is not 1 to " + StsRecord.MAX_ID_LENGTH
                            + " letters and digits");
                }
                if (id == null) {
                    id = value;
                }
            } else if (!isExtensionValue(value)) {
                return syntax(txt, "field " + Excerpt.of(name) + " has an empty value or one with"
                        + " white space, ';', '=' or a non-ASCII character");
            }
        }
        if (id == null) {
            return new StsRecordResult.Refused(StsRecordRefusal.BAD_ID, "record " + Excerpt.of(txt) + " has no id");
        }
        return new StsRecordResult.Found(new StsRecord(id));
    }

    /** {@code sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)}: visible ASCII except ';' and '='. */
    static boolean isExtensionValue(String value) {
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

    private static StsRecordResult syntax(String txt, String problem) {
        return new StsRecordResult.Refused(StsRecordRefusal.BAD_SYNTAX, "record " + Excerpt.of(txt) + ": " + problem);
    }
}
