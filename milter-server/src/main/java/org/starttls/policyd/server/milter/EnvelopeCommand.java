package org.starttls.policyd.server.milter;

import java.util.List;
import java.util.Objects;

/**
 * SMFIC_MAIL or SMFIC_RCPT: the address as the client gave it (usually {@code <user@domain>})
 * and its ESMTP parameters ({@code NOTIFY=NEVER}...).
 */
record EnvelopeCommand(MilterCommand command, String address, List<String> esmtpArgs)
        implements MilterMessage {
    public EnvelopeCommand {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(address, "address");
        if (command != MilterCommand.MAIL && command != MilterCommand.RCPT) {
            throw new IllegalArgumentException(command + " is not an envelope command");
        }
        esmtpArgs = List.copyOf(esmtpArgs);
    }
}
