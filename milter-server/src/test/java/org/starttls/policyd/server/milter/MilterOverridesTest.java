package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.starttls.policyd.server.milter.MilterBytes.cstrings;
import static org.starttls.policyd.server.milter.MilterBytes.frame;
import static org.starttls.policyd.server.milter.MilterBytes.rcpt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.PolicydConfig;
import org.starttls.policyd.server.daemon.Policyd;
import org.starttls.policyd.server.testing.LocalDaemon;

/**
 * The daemon's milter door with local overrides, over a real connection, while no list has
 * verified (every other recipient is tempfailed): an override {@code none} exempts its domain
 * from the receipt-time deferral, a {@code secure} one is tagged like a listed enforced domain.
 */
class MilterOverridesTest {
    @TempDir
    Path dir;
    private Policyd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void overridesDecideAtRcptAndAreTaggedAtEndOfMessage() throws Exception {
        Path overrides = dir.resolve("overrides.yaml");
        Files.writeString(overrides, """
                exempt.test:
                  policy: none
                  reason: "their TLS is broken"
                pinned.test:
                  policy: secure
                  match: [mx.pinned.test]
                  reason: "pinned"
                """);
        PolicydConfig config = LocalDaemon.config(dir, dir.resolve("no-list-yet.json"));
        config.overrides.file = overrides.toString();
        config.milter.enabled = true;
        config.milter.listen = "127.0.0.1:0";
        config.milter.addHeader = "X-STARTTLS-Policy";
        DaemonSettings settings = DaemonSettings.from(config, null);
        daemon = Policyd.start(settings, () -> settings, Clock.systemUTC(), UnaryOperator.identity());

        try (MilterServerTest.RawClient mta = new MilterServerTest.RawClient(LocalDaemon.port(daemon, MilterServer.NAME))) {
            mta.send(MilterSessionHandlerTest.POSTFIX_OFFER);
            assertEquals(MilterSessionHandlerTest.POSTFIX_AGREED, mta.reply());
            mta.send(frame('M', cstrings("<s@origin.example>")), rcpt("<a@other.test>"));
            assertEquals("y:451 4.3.0 other.test: no verified list is loaded yet|", mta.reply(), "no override: the source's tempfail");
            mta.send(rcpt("<b@exempt.test>"));
            assertEquals("c:", mta.reply(), "none: exempt from the deferral");
            mta.send(rcpt("<c@pinned.test>"));
            assertEquals("c:", mta.reply());
            mta.send(frame('E'));
            assertEquals("h:X-STARTTLS-Policy|pinned.test=override-secure(match=mx.pinned.test)|", mta.reply());
            assertEquals("c:", mta.reply());
        }
    }
}
