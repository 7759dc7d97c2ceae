package org.starttls.policyd.server.milter;

/** One decoded command from the MTA; the decoder copies what it needs, so none holds a buffer. */
public sealed interface MilterMessage permits OptionNegotiation, EnvelopeCommand, MacroDefinition, StepCommand {
    MilterCommand command();
}
