package org.starttls.policyd.server.milter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SMFIC_MACRO: macro values ({@code {rcpt_addr}} -&gt; {@code <a@example.com>}) for the command
 * named by {@code stage}, which follows it. Never answered.
 *
 * @param stage the wire byte of the command the macros belong to (it need not be one we know)
 * @param macros names to values, in the order sent
 */
record MacroDefinition(byte stage, Map<String, String> macros) implements MilterMessage {
    public MacroDefinition {
        // Map.copyOf would lose the order, which logs are easier to read with.
        macros = Collections.unmodifiableMap(new LinkedHashMap<>(macros));
        for (Map.Entry<String, String> entry : macros.entrySet()) {
            if (entry.getKey() == null || entry.getKey().isEmpty() || entry.getValue() == null) {
                throw new IllegalArgumentException("a macro needs a name and a value");
            }
        }
    }

    @Override
    public MilterCommand command() {
        return MilterCommand.MACRO;
    }
}
