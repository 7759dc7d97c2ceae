package org.starttls.policyd.server.answer;

import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.socketmap.SocketmapReply;

/**
 * The socketmap replies of one list policy, kept with it ({@link TlsPolicy#rendering}): a listed
 * domain is asked for on every delivery to it, and its answer ({@code OK secure match=...}) is
 * the same each time, so it is rendered and encoded once per policy and form instead of per
 * request (each made a dozen objects, most of what the door allocated per request).
 */
final class ListAnswer {
    private final TlsPolicy policy;
    private volatile SocketmapReply plainReply;
    private volatile SocketmapReply servernameReply;

    private ListAnswer(TlsPolicy policy) {
        this.policy = policy;
    }

    /** {@code OK secure match=...} for the policy, with {@code servername=hostname} when asked; null when it does not fit a reply. */
    static SocketmapReply okReply(TlsPolicy policy, boolean servername) {
        return policy.rendering(ListAnswer.class, ListAnswer::new).okReply(servername);
    }

    private SocketmapReply okReply(boolean servername) {
        SocketmapReply made = servername ? servernameReply : plainReply;
        if (made == null) {
            String value = AnswerRenderer.secureValue(policy, servername);
            made = AnswerRenderer.toKeep(value);
            if (servername) {
                servernameReply = made;
            } else {
                plainReply = made;
            }
        }
        return AnswerRenderer.usable(made);
    }
}
