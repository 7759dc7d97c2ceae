package org.starttls.policyd.server.milter;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.server.transport.ReplyProgress;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.core.engine.RecipientDomain;
import org.starttls.policyd.core.engine.Verdict;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.metrics.AnswerRecorder;

/**
 * One milter connection: negotiates, then answers each RCPT from the {@link ReceiptDecider} and
 * tags the message at its end. One instance per channel. Answers and the header are written by
 * {@link AnswerRenderer}.
 *
 * <p>Per recipient: DEFER_DOWNGRADE and TEMPFAIL refuse that recipient with a 451 reply code;
 * REQUIRE_TLS, ENCRYPT, DANE_ONLY, DANE (tagged) and NO_POLICY continue. Any exception while
 * deciding becomes a 451 4.3.0 for that recipient, never a continue. A RCPT without a domain ({@code <postmaster>}) is local mail and
 * continues. Anything the protocol does not allow (a command byte that names no command, a
 * command before negotiation, a malformed frame) closes the connection, as libmilter and
 * go-milter do; the MTA then applies its {@code milter_default_action}. Exceptions (bad frames,
 * a peer that reset) are left to the transport's error handler, which logs and closes.
 *
 * <p>Decisions run inline when no executor is given (the in-memory decider is quick); with an
 * executor they run there and the answer is written back on the event loop. Meanwhile later
 * commands wait in a short backlog, so answers always leave in order.
 */
final class MilterSessionHandler extends SimpleChannelInboundHandler<MilterMessage> implements ReplyProgress {
    /** The MTA waits for each answer, so only a few no-reply commands can arrive meanwhile. */
    static final int MAX_BACKLOG_COMMANDS = 32;
    private static final Logger LOG = LoggerFactory.getLogger(MilterSessionHandler.class);

    private final Supplier<ReceiptDecider> decider;
    private final OptionNegotiator negotiator;
    private final MilterSettings settings;
    private final Executor decisionExecutor;
    private final AnswerRecorder recorder;
    private final MilterTransaction transaction = new MilterTransaction();
    private final ArrayDeque<MilterMessage> backlog = new ArrayDeque<>();
    private Negotiated negotiated;
    private boolean mayRenegotiate = true;
    private boolean deciding;

    /** @param decisionExecutor where decisions run, or null to run them on the event loop */
    public MilterSessionHandler(ReceiptDecider decider, MilterSettings settings, Executor decisionExecutor) {
        this(decider, settings, decisionExecutor, AnswerRecorder.NONE);
    }

    /** As above, reporting each RCPT answer to {@code recorder}. */
    public MilterSessionHandler(ReceiptDecider decider, MilterSettings settings, Executor decisionExecutor,
            AnswerRecorder recorder) {
        this(fixed(decider), settings, decisionExecutor, recorder);
    }

    /**
     * @param decider read once per recipient, so each RCPT sees the daemon's current list and rules
     * @param settings this connection's tagging: it is what the options were negotiated for, so it
     *     stays fixed for the connection
     */
    public MilterSessionHandler(Supplier<ReceiptDecider> decider, MilterSettings settings, Executor decisionExecutor,
            AnswerRecorder recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.negotiator = new OptionNegotiator(settings.headerTagging());
        this.decisionExecutor = decisionExecutor;
    }

    private static Supplier<ReceiptDecider> fixed(ReceiptDecider decider) {
        Objects.requireNonNull(decider, "decider");
        return () -> decider;
    }

    /** A decision runs on the executor, or commands wait behind it (the connection is not idle). */
    @Override
    public boolean replyPending() {
        return deciding || !backlog.isEmpty();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MilterMessage message) {
        if (deciding) {
            if (backlog.size() >= MAX_BACKLOG_COMMANDS) {
                close(ctx, "more than " + MAX_BACKLOG_COMMANDS + " commands sent without waiting for an answer");
                return;
            }
            backlog.add(message);
            return;
        }
        handle(ctx, message);
    }

    private void handle(ChannelHandlerContext ctx, MilterMessage message) {
        if (message instanceof OptionNegotiation) {
            negotiate(ctx, (OptionNegotiation) message);
            return;
        }
        if (negotiated == null) {
            close(ctx, message.command() + " before option negotiation");
            return;
        }
        mayRenegotiate = false;
        switch (message.command()) {
            case MACRO:
                transaction.defineMacros((MacroDefinition) message);
                return;
            case MAIL:
                transaction.startMessage();
                break;
            case RCPT:
                recipient(ctx, (EnvelopeCommand) message);
                return;
            case BODYEOB:
                endOfMessage(ctx);
                return;
            case ABORT:
                transaction.endMessage();
                return;
            case QUIT:
                ctx.close();
                return;
            case QUIT_NC:
                // The next SMTP connection reuses this socket; libmilter allows a new optneg here.
                transaction.resetConnection();
                mayRenegotiate = true;
                return;
            default:
                break;
        }
        answer(ctx, message.command(), MilterReply.CONTINUE);
    }

    private void negotiate(ChannelHandlerContext ctx, OptionNegotiation offer) {
        if (!mayRenegotiate) {
            close(ctx, "option negotiation in the middle of a session");
            return;
        }
        try {
            negotiated = negotiator.negotiate(offer);
        } catch (MilterNegotiationException e) {
            close(ctx, "negotiation failed: " + e.getMessage());
            return;
        }
        mayRenegotiate = false;
        LOG.debug("milter {}: {} -> version {} actions 0x{} protocol 0x{}", ctx.channel().remoteAddress(), offer,
                negotiated.version(), Integer.toHexString(negotiated.actions()), Integer.toHexString(negotiated.protocol()));
        ctx.writeAndFlush(negotiated.reply()).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private void recipient(ChannelHandlerContext ctx, EnvelopeCommand rcpt) {
        long started = System.nanoTime();
        Optional<String> domain = RecipientDomain.of(rcpt.address());
        if (domain.isEmpty()) {
            String macro = transaction.macro(MilterCommand.RCPT, "rcpt_addr");
            domain = macro == null ? Optional.empty() : RecipientDomain.of(macro);
        }
        transaction.forgetMacros(MilterCommand.RCPT);
        if (domain.isEmpty()) {
            LOG.debug("milter {}: recipient {} has no domain; local mail, continue", ctx.channel().remoteAddress(), rcpt.address());
            recorder.answered(AnswerRenderer.label(MilterReply.CONTINUE), System.nanoTime() - started);
            answer(ctx, MilterCommand.RCPT, MilterReply.CONTINUE);
            return;
        }
        String name = domain.get();
        if (decisionExecutor == null) {
            decided(ctx, name, decideSafely(name), null, started);
            return;
        }
        deciding = true;
        try {
            CompletableFuture.supplyAsync(() -> decideSafely(name), decisionExecutor)
                    .whenComplete((decision, error) -> ctx.executor().execute(() -> decided(ctx, name, decision, error, started)));
        } catch (RuntimeException rejected) {
            decided(ctx, name, null, rejected, started);
        }
    }

    private Decision decideSafely(String domain) {
        try {
            return Objects.requireNonNull(decider.get().decideAtReceipt(domain), "the decider returned no decision");
        } catch (RuntimeException e) {
            // Fail safe: an error becomes a tempfail for this recipient, never a continue.
            LOG.warn("deciding for {} failed; answering tempfail", domain, e);
            return Decision.tempfail(domain, "policy lookup failed, try again later");
        }
    }

    private void decided(ChannelHandlerContext ctx, String domain, Decision decision, Throwable error, long started) {
        deciding = false;
        if (!ctx.channel().isActive()) {
            backlog.clear();
            return;
        }
        if (error != null || decision == null) {
            LOG.warn("deciding for {} failed; answering tempfail", domain, error);
            decision = Decision.tempfail(domain, "policy lookup failed, try again later");
        }
        if (decision.verdict() == Verdict.REQUIRE_TLS || decision.verdict() == Verdict.ENCRYPT
                || decision.verdict() == Verdict.DANE_ONLY || decision.verdict() == Verdict.DANE) {
            transaction.rememberRequireTls(decision);
        } else if (decision.verdict() != Verdict.NO_POLICY) {
            LOG.info("milter {}: recipient domain {}: {} ({})", ctx.channel().remoteAddress(), decision.domain(),
                    decision.verdict(), decision.reason());
        }
        MilterReply reply = AnswerRenderer.milterRecipient(decision);
        recorder.decidedBy(decision.source());
        recorder.answered(AnswerRenderer.label(reply), System.nanoTime() - started);
        answer(ctx, MilterCommand.RCPT, reply);
        while (!deciding && !backlog.isEmpty() && ctx.channel().isActive()) {
            handle(ctx, backlog.poll());
        }
    }

    private void endOfMessage(ChannelHandlerContext ctx) {
        if (settings.headerTagging() && negotiated.mayAddHeaders() && !transaction.requireTlsDecisions().isEmpty()) {
            String value = AnswerRenderer.tagHeader(transaction.requireTlsDecisions(),
                    AnswerRenderer.MAX_MILTER_HEADER_VALUE_CHARS);
            ctx.write(MilterReply.addHeader(settings.headerName(), value))
                    .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
        transaction.endMessage();
        answer(ctx, MilterCommand.BODYEOB, MilterReply.CONTINUE);
    }

    private void answer(ChannelHandlerContext ctx, MilterCommand command, MilterReply reply) {
        if (negotiated.expectsReply(command)) {
            ctx.writeAndFlush(reply).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        } else {
            ctx.flush();
        }
    }

    private void close(ChannelHandlerContext ctx, String why) {
        LOG.warn("milter {}: closing: {}", ctx.channel().remoteAddress(), why);
        backlog.clear();
        ctx.close();
    }
}
