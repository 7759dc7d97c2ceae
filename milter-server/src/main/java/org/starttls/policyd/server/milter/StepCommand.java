package org.starttls.policyd.server.milter;

import java.util.Objects;
import java.util.Set;

/**
 * A command whose data we do not use (CONNECT, HELO, HEADER, EOH, BODY, BODYEOB, DATA, UNKNOWN,
 * ABORT, QUIT, QUIT_NC): it only moves the session along. Most of them are negotiated away; an
 * MTA that cannot skip them still sends them and gets a continue.
 */
record StepCommand(MilterCommand command) implements MilterMessage {
    private static final Set<MilterCommand> CARRY_DATA_WE_USE = Set.of(
            MilterCommand.OPTNEG, MilterCommand.MAIL, MilterCommand.RCPT, MilterCommand.MACRO);

    public StepCommand {
        Objects.requireNonNull(command, "command");
        if (CARRY_DATA_WE_USE.contains(command)) {
            throw new IllegalArgumentException(command + " has its own message type");
        }
    }
}
