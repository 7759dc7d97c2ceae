package org.starttls.policyd.server.policy;

import java.io.IOException;
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

    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            PolicyServiceSettings settings, ReceiptDecider decider) throws IOException {
        return factory.start(NAME, address, transport, new PolicyServiceProtocol(new PolicyResponder(decider, settings)));
    }
}
