package org.starttls.policyd.server.metrics;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.starttls.policyd.server.transport.PipelineNames;
import org.starttls.policyd.server.transport.ProtocolPipeline;
import org.starttls.policyd.server.transport.TransportSettings;

/** The monitoring endpoint's handlers: HTTP/1.1 framing (bounded), response encoding, a bounded body, the responder. */
final class MetricsProtocol implements ProtocolPipeline {
    /** A scrape has no body; a request with more than this is refused (413) and closed. */
    static final int MAX_BODY_BYTES = 1024;
    /** Name of the handler that joins a request and its (small) body. */
    static final String AGGREGATOR = "http-aggregator";
    /**
     * A few scrapers at most; a scraper keeps its connection between scrapes (15 s to a minute
     * apart) and must send each request within the deadline. At the limit a newcomer takes the
     * place of the connection idle the longest.
     */
    static final TransportSettings TRANSPORT = TransportSettings.DEFAULTS.withMaxConnections(16)
            .withIdleTimeout(Duration.ofSeconds(120)).withRequestTimeout(Duration.ofSeconds(10));

    private final AnswerMeters meters;
    private final Supplier<DaemonSnapshot> snapshot;

    MetricsProtocol(AnswerMeters meters, Supplier<DaemonSnapshot> snapshot) {
        this.meters = Objects.requireNonNull(meters, "meters");
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    @Override
    public void addProtocolHandlers(ChannelPipeline pipeline) {
        pipeline.addLast(PipelineNames.FRAMING, new HttpRequestFraming());
        pipeline.addLast(PipelineNames.REPLY_ENCODER, new HttpResponseEncoder());
        pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(MAX_BODY_BYTES, true));
        pipeline.addLast(PipelineNames.REQUESTS, new MetricsHandler(meters, snapshot));
    }
}
