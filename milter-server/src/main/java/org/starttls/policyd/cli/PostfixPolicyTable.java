package org.starttls.policyd.cli;

import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.socketmap.SocketmapMapSettings;
import org.starttls.policyd.server.socketmap.SocketmapReply;

/**
 * A Postfix {@code smtp_tls_policy_maps} source table ({@code postmap} input): one
 * {@code DOMAIN secure match=...} line per enforced domain, and every other listed domain as a
 * comment saying why it is not enforced. {@link AnswerRenderer} writes the values, as it writes the
 * socketmap's answers, so both ways of wiring Postfix enforce the same thing.
 */
final class PostfixPolicyTable {
    /** Where the operator is told to put the table when no --output was given. */
    static final String DEFAULT_PATH = "/etc/postfix/starttls-policy";

    private PostfixPolicyTable() {
    }

    /**
     * @param servername append {@code servername=hostname} (Postfix 3.4 or later)
     * @param path the table's path, for the install lines in the header
     */
    static String render(ExportPlan plan, boolean servername, String path) {
        StringBuilder out = new StringBuilder();
        for (String line : ExportHeader.describe(plan, "Postfix smtp_tls_policy_maps table")) {
            comment(out, line);
        }
        comment(out, "");
        comment(out, "Install (or lmdb: instead of hash: where Postfix has it):");
        comment(out, "  postmap hash:" + path);
        comment(out, "  postconf -e 'smtp_tls_policy_maps = hash:" + path + "'");
        comment(out, "  postfix reload");
        comment(out, "Check: postmap -q gmail.com hash:" + path);
        if (!servername) {
            comment(out, "Written without the servername attribute (for Postfix before 3.4).");
        }
        out.append('\n');
        SocketmapMapSettings answers = SocketmapMapSettings.DEFAULTS.withServername(servername);
        for (ExportPlan.Entry entry : plan.entries()) {
            if (entry.enforced()) {
                SocketmapReply reply = AnswerRenderer.socketmap(entry.decision(), answers);
                if (reply.status() != SocketmapReply.Status.OK) {
                    comment(out, entry.domain() + " cannot be written: " + reply.data());
                    continue;
                }
                out.append(entry.domain()).append(' ').append(reply.data()).append('\n');
            } else {
                comment(out, entry.domain() + " " + AnswerRenderer.secureValue(entry.policy(), servername) + "  (not enforced: "
                        + entry.decision().reason() + ")");
            }
        }
        return out.toString();
    }

    private static void comment(StringBuilder out, String line) {
        out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
    }

}
