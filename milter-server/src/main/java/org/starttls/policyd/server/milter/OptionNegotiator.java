package org.starttls.policyd.server.milter;

import java.util.Map;

/**
 * Intersects the MTA's optneg offer with what this filter needs.
 *
 * <ul>
 * <li>Version: the lower of the offer and 6; offers below 2 are refused, as libmilter does.
 * <li>Actions: {@code SMFIF_ADDHDRS} is needed only when header tagging is on; if the MTA does not
 * allow it the negotiation fails (the caller logs and closes, and the MTA applies its
 * {@code milter_default_action}) rather than silently running without the header. On v6 we also
 * take {@code SMFIF_SETSYMLIST} when offered, to ask for the RCPT macros.
 * <li>Steps: we ask to skip every step we do not use (connect, HELO, headers, EOH, body, unknown
 * commands, DATA) and for no replies to those and to MAIL, where the MTA offers that. MAIL itself
 * is kept because it marks the start of a transaction: Sendmail sends no ABORT after a message
 * whose recipients were all refused, so MAIL is where stale recipients are forgotten. RCPT and
 * end-of-message are always kept and answered.
 * </ul>
 */
final class OptionNegotiator {
    /** Asked for at RCPT on v6; the first is the recipient address as the MTA resolved it. */
    public static final String RCPT_MACROS = "{rcpt_addr} {rcpt_host} {rcpt_mailer}";

    static final int SKIPPED_STEPS = MilterFlags.NO_CONNECT | MilterFlags.NO_HELO | MilterFlags.NO_HEADERS
            | MilterFlags.NO_EOH | MilterFlags.NO_BODY | MilterFlags.NO_UNKNOWN | MilterFlags.NO_DATA;
    static final int UNANSWERED_STEPS = MilterFlags.NR_CONNECT | MilterFlags.NR_HELO | MilterFlags.NR_MAIL
            | MilterFlags.NR_HEADER | MilterFlags.NR_EOH | MilterFlags.NR_BODY | MilterFlags.NR_DATA
            | MilterFlags.NR_UNKNOWN;

    private final boolean headerTagging;

    public OptionNegotiator(boolean headerTagging) {
        this.headerTagging = headerTagging;
    }

    public Negotiated negotiate(OptionNegotiation offer) throws MilterNegotiationException {
        if (Integer.compareUnsigned(offer.version(), MilterFlags.MIN_VERSION) < 0) {
            throw new MilterNegotiationException("the MTA offers milter protocol version "
                    + Integer.toUnsignedString(offer.version()) + "; the lowest we speak is " + MilterFlags.MIN_VERSION);
        }
        int version = Integer.compareUnsigned(offer.version(), MilterFlags.MAX_VERSION) > 0
                ? MilterFlags.MAX_VERSION : offer.version();

        int needed = headerTagging ? MilterFlags.ACTION_ADD_HEADERS : 0;
        if ((offer.actions() & needed) != needed) {
            throw new MilterNegotiationException(String.format(
                    "the MTA does not allow adding headers (offered actions 0x%x), which header tagging needs;"
                            + " allow it in the MTA or turn header tagging off", offer.actions()));
        }
        int actions = needed;
        Map<Integer, String> macroRequests = Map.of();
        if (version >= MilterFlags.MACRO_REQUEST_VERSION && (offer.actions() & MilterFlags.ACTION_SET_SYMBOL_LIST) != 0) {
            actions |= MilterFlags.ACTION_SET_SYMBOL_LIST;
            macroRequests = Map.of(MilterFlags.MACRO_STAGE_ENVRCPT, RCPT_MACROS);
        }
        int protocol = offer.protocol() & (SKIPPED_STEPS | UNANSWERED_STEPS);
        MilterReply reply = MilterReply.optionNegotiation(version, actions, protocol, macroRequests);
        return new Negotiated(version, actions, protocol, reply);
    }
}
