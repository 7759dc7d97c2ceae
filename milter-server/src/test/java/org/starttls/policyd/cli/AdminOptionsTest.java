package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.transport.ListenAddress;
import picocli.CommandLine;

/** policyctl looks for the admin endpoint where policyd puts it by default. */
class AdminOptionsTest {
    @Test
    void withoutAdminPolicyctlUsesPolicydsDefaultAddress() throws Exception {
        AdminOptions options = new AdminOptions();
        new CommandLine(new Object() {
            @CommandLine.Mixin
            AdminOptions admin = options;
        }).parseArgs();
        assertEquals(ListenAddress.parse(new PolicydConfig().admin.listen), options.address());
    }

    @Test
    void anExplicitTcpAddressIsStillAllowed() throws Exception {
        AdminOptions options = new AdminOptions();
        new CommandLine(new Object() {
            @CommandLine.Mixin
            AdminOptions admin = options;
        }).parseArgs("--admin", "127.0.0.1:5464");
        assertEquals(ListenAddress.tcp("127.0.0.1", 5464), options.address());
    }
}
