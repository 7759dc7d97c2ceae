package org.starttls.policyd.server.e2e;

import static org.starttls.policyd.server.e2e.E2EDomains.DOWNGRADED;
import static org.starttls.policyd.server.e2e.E2EDomains.ENFORCE;
import static org.starttls.policyd.server.e2e.E2EDomains.TAG_HEADER;

import java.io.IOException;
import java.util.Map;

/**
 * STAND-IN for the daemon while its doors are being written: the two stand-in responders, with the
 * answers {@link E2EDomains} describes. Replace with the real daemon in {@link PolicydUnderTest#start()}.
 */
final class StandInPolicyd implements PolicydUnderTest {
    static final String SOCKETMAP_NAME = "starttls";
    /** What policyd answers for a listed domain: Postfix then refuses a peer without STARTTLS. */
    static final String ENFORCE_POLICY = "secure match=" + ENFORCE + ":." + ENFORCE + " servername=hostname";

    private final StandInSocketmapResponder socketmap;
    private final StandInPolicyResponder policy;

    private StandInPolicyd(StandInSocketmapResponder socketmap, StandInPolicyResponder policy) {
        this.socketmap = socketmap;
        this.policy = policy;
    }

    static StandInPolicyd start() throws IOException {
        StandInSocketmapResponder socketmap = StandInSocketmapResponder.start(SOCKETMAP_NAME, Map.of(
                ENFORCE, ENFORCE_POLICY,
                DOWNGRADED, "secure match=" + DOWNGRADED + ":." + DOWNGRADED + " servername=hostname"));
        try {
            return new StandInPolicyd(socketmap, StandInPolicyResponder.start(Map.of(
                    ENFORCE, "PREPEND " + TAG_HEADER + ": " + ENFORCE + " requires TLS",
                    DOWNGRADED, "DEFER_IF_PERMIT 4.7.5 STARTTLS to " + DOWNGRADED + " is under attack, try later")));
        } catch (IOException | RuntimeException e) {
            socketmap.close();
            throw e;
        }
    }

    @Override
    public int socketmapPort() {
        return socketmap.port();
    }

    @Override
    public String socketmapName() {
        return socketmap.mapName();
    }

    @Override
    public int policyPort() {
        return policy.port();
    }

    @Override
    public void close() throws IOException {
        try (socketmap; policy) {
            // both closed, even if one fails
        }
    }
}
