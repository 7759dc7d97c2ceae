package org.starttls.policyd.server.milter;

import java.util.Objects;

/**
 * What both sides agreed in option negotiation, and the reply that tells the MTA.
 *
 * @param version the protocol version both speak
 * @param actions the {@code SMFIF_*} actions we may take
 * @param protocol the {@code SMFIP_*} steps skipped or left unanswered
 * @param reply the optneg reply to send
 */
record Negotiated(int version, int actions, int protocol, MilterReply reply) {
    public Negotiated {
        Objects.requireNonNull(reply, "reply");
        if (version < MilterFlags.MIN_VERSION || version > MilterFlags.MAX_VERSION) {
            throw new IllegalArgumentException("version " + version + " is outside "
                    + MilterFlags.MIN_VERSION + ".." + MilterFlags.MAX_VERSION);
        }
    }

    /** Whether the MTA waits for our answer to {@code command}. */
    public boolean expectsReply(MilterCommand command) {
        return command.expectsReply(protocol);
    }

    public boolean mayAddHeaders() {
        return (actions & MilterFlags.ACTION_ADD_HEADERS) != 0;
    }
}
