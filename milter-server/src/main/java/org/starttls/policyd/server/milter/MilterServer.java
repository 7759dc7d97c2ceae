package org.starttls.policyd.server.milter;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.metrics.AnswerRecorder;
import org.starttls.policyd.server.transport.ListenAddress;
import org.starttls.policyd.server.transport.RunningServer;
import org.starttls.policyd.server.transport.ServerFactory;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * Starts the milter door: Postfix {@code smtpd_milters = inet:HOST:PORT}, Sendmail
 * {@code INPUT_MAIL_FILTER(`name', `S=inet:PORT@HOST')}.
 *
 * <p>The MTA holds one milter connection for each SMTP session and may leave it silent for as long
 * as its SMTP client is, so the transport's idle timeout for this door must be longer than the
 * MTA's SMTP command timeout (Postfix {@code smtpd_timeout}, 300 s by default), or a slow but
 * legitimate client's message would meet {@code milter_default_action}. {@link #TRANSPORT_DEFAULTS}
 * is the shared default with such an idle timeout.
 */
public final class MilterServer {
    /** The door's name in log lines. */
    public static final String NAME = "milter";
    /** Longer than Postfix's {@code smtpd_timeout} (300 s) and Sendmail's per-command timeouts. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** {@link TransportSettings#DEFAULTS} with {@link #DEFAULT_IDLE_TIMEOUT}. */
    public static final TransportSettings TRANSPORT_DEFAULTS = TransportSettings.DEFAULTS.withIdleTimeout(DEFAULT_IDLE_TIMEOUT);

    private MilterServer() {
    }

    /** Decisions run on the event loop: right for the in-memory engine, whose lookups never block. */
    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            MilterSettings settings, ReceiptDecider decider) throws IOException {
        return start(factory, address, transport, settings, decider, null);
    }

    /**
     * @param decisionExecutor where decisions run (for a decider that may block), or null for the
     *     event loop; answers are written back on the event loop, in order
     */
    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            MilterSettings settings, ReceiptDecider decider, Executor decisionExecutor) throws IOException {
        return start(factory, address, transport, () -> decider, () -> settings, decisionExecutor, AnswerRecorder.NONE);
    }

    /**
     * The door as the daemon runs it: {@code decider} is read for every recipient and
     * {@code settings} for every new connection (the daemon's current answering snapshot).
     */
    public static RunningServer start(ServerFactory factory, ListenAddress address, TransportSettings transport,
            Supplier<ReceiptDecider> decider, Supplier<MilterSettings> settings, Executor decisionExecutor,
            AnswerRecorder recorder) throws IOException {
        return factory.start(NAME, address, transport, new MilterProtocol(decider, settings, decisionExecutor, recorder));
    }
}
