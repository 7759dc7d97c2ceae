package org.starttls.policyd.server.policy;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/** Starts the policy delegation door: {@code check_policy_service inet:HOST:PORT} in {@code smtpd_recipient_restrictions}. */
public final class PolicyServiceServer {
    /** The door's name in log lines. */
    public static final String NAME = "policy";

    private PolicyServiceServer() {
    }

    /** The door answering every request from {@code decider} with {@code settings}, on the event loop. */
    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            PolicyServiceSettings settings, ReceiptDecider decider) throws IOException {
        PolicyResponder responder = new PolicyResponder(decider, settings);
        return start(factory, address, transport, () -> responder, null);
    }

    /**
     * The door as the daemon runs it: {@code responder} is read for every request (the daemon's
     * current answering snapshot), so a reload reaches open connections too.
     *
     * @param decisionExecutor where answers are computed, or null for the event loop
     */
    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            Supplier<PolicyResponder> responder, Executor decisionExecutor) throws IOException {
        return factory.start(NAME, address, transport, new PolicyServiceProtocol(responder, decisionExecutor));
    }
}
