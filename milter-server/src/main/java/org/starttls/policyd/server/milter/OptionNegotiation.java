package org.starttls.policyd.server.milter;

/**
 * SMFIC_OPTNEG from the MTA: the protocol version it speaks, the actions it allows and the
 * protocol steps it can skip or leave unanswered. The three values are unsigned 32-bit numbers
 * kept in ints; compare them with {@link Integer#compareUnsigned}.
 */
record OptionNegotiation(int version, int actions, int protocol) implements MilterMessage {
    @Override
    public MilterCommand command() {
        return MilterCommand.OPTNEG;
    }

    @Override
    public String toString() {
        return String.format("optneg(version=%s actions=0x%x protocol=0x%x)",
                Integer.toUnsignedString(version), actions, protocol);
    }
}
