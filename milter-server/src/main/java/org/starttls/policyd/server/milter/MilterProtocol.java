package org.starttls.policyd.server.milter;

import io.netty.channel.ChannelPipeline;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.metrics.AnswerRecorder;
import org.starttls.policyd.server.transport.PipelineNames;
import org.starttls.policyd.server.transport.ProtocolPipeline;

/**
 * The milter door's handlers: frame decoder (frames capped at
 * {@link MilterFrameDecoder#MAX_FRAME_BYTES}; it reports request progress to the transport's
 * deadline), reply encoder, and one session per connection.
 */
public final class MilterProtocol implements ProtocolPipeline {
    private final Supplier<ReceiptDecider> decider;
    private final Supplier<MilterSettings> settings;
    private final Executor decisionExecutor;
    private final AnswerRecorder recorder;

    /** @param decisionExecutor where decisions run, or null to run them on the event loop */
    public MilterProtocol(ReceiptDecider decider, MilterSettings settings, Executor decisionExecutor) {
        this(decider, settings, decisionExecutor, AnswerRecorder.NONE);
    }

    /** As above, reporting each RCPT answer to {@code recorder}. */
    public MilterProtocol(ReceiptDecider decider, MilterSettings settings, Executor decisionExecutor,
            AnswerRecorder recorder) {
        this(fixed(decider), fixed(settings), decisionExecutor, recorder);
    }

    /**
     * @param decider read for every recipient: the daemon's current answering snapshot
     * @param settings read for every new connection (tagging is part of what a connection negotiates)
     */
    public MilterProtocol(Supplier<ReceiptDecider> decider, Supplier<MilterSettings> settings,
            Executor decisionExecutor, AnswerRecorder recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.decisionExecutor = decisionExecutor;
    }

    private static <T> Supplier<T> fixed(T value) {
        Objects.requireNonNull(value);
        return () -> value;
    }

    @Override
    public void addProtocolHandlers(ChannelPipeline pipeline) {
        pipeline.addLast(PipelineNames.FRAMING, new MilterFrameDecoder());
        pipeline.addLast(PipelineNames.REPLY_ENCODER, MilterReplyEncoder.INSTANCE);
        pipeline.addLast(PipelineNames.REQUESTS,
                new MilterSessionHandler(decider, settings.get(), decisionExecutor, recorder));
    }
}
