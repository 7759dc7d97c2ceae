package org.starttls.policyd.cli;

import org.starttls.policyd.server.answer.AnswerRenderer;

/**
 * Sendmail access-map entries for Sendmail before 8.17 (no {@code FEATURE(`sts')}):
 * {@code TLS_Rcpt:DOMAIN VERIFY} requires a verified certificate for mail to the domain, and
 * {@code +CN:name} additionally pins the certificate's name where the list allows exactly one,
 * non-wildcard MX name (an access-map requirement holds one name; {@code match=} patterns with
 * several names or wildcards cannot be expressed, so those get {@code VERIFY} alone).
 * Unmet requirements make Sendmail defer (403 4.7.0).
 */
final class SendmailAccessTable {
    static final String TAG = "TLS_Rcpt:";

    private SendmailAccessTable() {
    }

    static String render(ExportPlan plan) {
        StringBuilder out = new StringBuilder();
        for (String line : ExportHeader.describe(plan, "Sendmail access map entries")) {
            comment(out, line);
        }
        comment(out, "");
        comment(out, "Install: needs FEATURE(`access_db') and STARTTLS with confCACERT_PATH set. Merge these");
        comment(out, "lines into /etc/mail/access (replacing the previous export), then:");
        comment(out, "  makemap hash /etc/mail/access < /etc/mail/access");
        comment(out, "Sendmail also applies TLS_Rcpt:DOMAIN to the domain's subdomains.");
        comment(out, "Check: sendmail -bt, then: /map access TLS_Rcpt:gmail.com");
        out.append('\n');
        for (ExportPlan.Entry entry : plan.entries()) {
            String line = TAG + entry.domain() + "\t" + AnswerRenderer.sendmailAccessRequirement(entry.policy());
            if (entry.enforced()) {
                out.append(line).append('\n');
            } else {
                comment(out, line + "  (not enforced: " + entry.decision().reason() + ")");
            }
        }
        return out.toString();
    }

    private static void comment(StringBuilder out, String line) {
        out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
    }
}
