package org.starttls.policyd.server.milter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.starttls.policyd.core.engine.Decision;

/**
 * What one milter connection remembers between commands: the macros the MTA sent per stage and
 * the recipients of the current message whose domains require TLS (for the header at end of
 * message). Used only on the connection's event loop.
 */
final class MilterTransaction {
    /** Recipients per message we remember for the header; more are still decided, not tagged. */
    static final int MAX_REMEMBERED_DOMAINS = 1_000;

    private static final List<MilterCommand> MESSAGE_STAGES_AFTER_MAIL = List.of(
            MilterCommand.RCPT, MilterCommand.DATA, MilterCommand.HEADER, MilterCommand.EOH,
            MilterCommand.BODY, MilterCommand.BODYEOB);

    private final Map<Byte, Map<String, String>> macrosByStage = new HashMap<>();
    private final Map<String, Decision> requireTls = new LinkedHashMap<>();

    void defineMacros(MacroDefinition definition) {
        macrosByStage.put(definition.stage(), definition.macros());
    }

    /** A macro sent for {@code stage}, looked up with or without its braces; null when absent. */
    String macro(MilterCommand stage, String name) {
        Map<String, String> macros = macrosByStage.getOrDefault(stage.code(), Map.of());
        String value = macros.get("{" + name + "}");
        return value != null ? value : macros.get(name);
    }

    void rememberRequireTls(Decision decision) {
        if (requireTls.size() < MAX_REMEMBERED_DOMAINS || requireTls.containsKey(decision.domain())) {
            requireTls.put(decision.domain(), decision);
        }
    }

    List<Decision> requireTlsDecisions() {
        return new ArrayList<>(requireTls.values());
    }

    /** Macros are sent just before the command they belong to; once it is handled they are stale. */
    void forgetMacros(MilterCommand stage) {
        macrosByStage.remove(stage.code());
    }

    /** MAIL: a new message starts; the MAIL macros just sent stay, older message state goes. */
    void startMessage() {
        requireTls.clear();
        for (MilterCommand stage : MESSAGE_STAGES_AFTER_MAIL) {
            macrosByStage.remove(stage.code());
        }
    }

    /** End of message or ABORT: nothing of this message is kept. */
    void endMessage() {
        startMessage();
        macrosByStage.remove(MilterCommand.MAIL.code());
    }

    /** QUIT_NC: the SMTP connection ended; the next one starts from nothing. */
    void resetConnection() {
        requireTls.clear();
        macrosByStage.clear();
    }
}
