package org.starttls.policyd.server.e2e;

import java.io.IOException;

/**
 * The policyd the end-to-end tests point Postfix at: the real daemon ({@link RealPolicyd}) on a
 * list per {@link E2EDomains}, with its door ports.
 */
interface PolicydUnderTest extends AutoCloseable {

    /** Port of the socketmap door on 127.0.0.1 ({@code smtp_tls_policy_maps}). */
    int socketmapPort();

    /** The map name Postfix sends before each key ({@code socketmap:inet:HOST:PORT:NAME}). */
    String socketmapName();

    /** Port of the policy delegation door on 127.0.0.1 ({@code check_policy_service}). */
    int policyPort();

    /** The Postfix table that queries the socketmap door. */
    default String socketmapTable() {
        return "socketmap:inet:127.0.0.1:" + socketmapPort() + ":" + socketmapName();
    }

    @Override
    void close() throws IOException;

    static PolicydUnderTest start() throws IOException {
        return RealPolicyd.start();
    }
}
