package org.starttls.policyd.server.milter;

/**
 * The commands an MTA sends (libmilter {@code SMFIC_*}), each with its wire byte and the protocol
 * bits that let the filter skip the step ({@code SMFIP_NO*}) or leave it unanswered
 * ({@code SMFIP_NR_*}); 0 where the protocol has no such bit.
 */
public enum MilterCommand {
    /** SMFIC_OPTNEG: option negotiation, always first. */
    OPTNEG('O', 0, 0),
    /** SMFIC_CONNECT: SMTP client connected (host name, family, port, address). */
    CONNECT('C', MilterFlags.NO_CONNECT, MilterFlags.NR_CONNECT),
    /** SMFIC_HELO: HELO/EHLO name. */
    HELO('H', MilterFlags.NO_HELO, MilterFlags.NR_HELO),
    /** SMFIC_MAIL: MAIL FROM, sender then ESMTP arguments. */
    MAIL('M', MilterFlags.NO_MAIL, MilterFlags.NR_MAIL),
    /** SMFIC_RCPT: RCPT TO, recipient then ESMTP arguments. */
    RCPT('R', MilterFlags.NO_RCPT, MilterFlags.NR_RCPT),
    /** SMFIC_MACRO: macro values for the command that follows; never answered. */
    MACRO('D', 0, 0),
    /** SMFIC_HEADER: one header (name, value). */
    HEADER('L', MilterFlags.NO_HEADERS, MilterFlags.NR_HEADER),
    /** SMFIC_EOH: end of headers. */
    EOH('N', MilterFlags.NO_EOH, MilterFlags.NR_EOH),
    /** SMFIC_BODY: a body chunk. */
    BODY('B', MilterFlags.NO_BODY, MilterFlags.NR_BODY),
    /** SMFIC_BODYEOB: end of message; the only step where headers may be added. */
    BODYEOB('E', 0, 0),
    /** SMFIC_ABORT: the current message is abandoned; never answered. */
    ABORT('A', 0, 0),
    /** SMFIC_QUIT: close the connection; never answered. */
    QUIT('Q', 0, 0),
    /** SMFIC_QUIT_NC: this SMTP connection ended, a new one follows on the same socket. */
    QUIT_NC('K', 0, 0),
    /** SMFIC_DATA: the DATA command. */
    DATA('T', MilterFlags.NO_DATA, MilterFlags.NR_DATA),
    /** SMFIC_UNKNOWN: an SMTP command the MTA did not recognise. */
    UNKNOWN('U', MilterFlags.NO_UNKNOWN, MilterFlags.NR_UNKNOWN);

    private static final MilterCommand[] BY_CODE = new MilterCommand[128];

    static {
        for (MilterCommand command : values()) {
            BY_CODE[command.code] = command;
        }
    }

    private final byte code;
    private final int noStepBit;
    private final int noReplyBit;

    MilterCommand(char code, int noStepBit, int noReplyBit) {
        this.code = (byte) code;
        this.noStepBit = noStepBit;
        this.noReplyBit = noReplyBit;
    }

    /** The command byte on the wire. */
    public byte code() {
        return code;
    }

    /** The {@code SMFIP_NO*} bit that skips this step, or 0. */
    int noStepBit() {
        return noStepBit;
    }

    /** The {@code SMFIP_NR_*} bit that makes this step unanswered, or 0. */
    int noReplyBit() {
        return noReplyBit;
    }

    /**
     * Whether the filter must answer this command under the negotiated protocol mask. MACRO,
     * ABORT, QUIT and QUIT_NC never get an answer; the others unless their NR bit was agreed.
     */
    boolean expectsReply(int negotiatedProtocol) {
        switch (this) {
            case MACRO:
            case ABORT:
            case QUIT:
            case QUIT_NC:
                return false;
            default:
                return noReplyBit == 0 || (negotiatedProtocol & noReplyBit) == 0;
        }
    }

    /** The command for a wire byte, or null when the byte names none. */
    static MilterCommand fromCode(byte code) {
        return code >= 0 ? BY_CODE[code] : null;
    }

    /** The wire byte as a printable character for logs. */
    public static String printable(byte code) {
        return code >= 0x21 && code <= 0x7e ? "'" + (char) code + "'" : String.format("0x%02x", code & 0xff);
    }
}
