package org.starttls.policyd.server.socketmap;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.metrics.AnswerRecorder;

/**
 * Answers socketmap requests, independent of the transport: key to domain, domain to
 * {@link Decision}, decision to {@link SocketmapReply}.
 *
 * <p>Keys: Postfix asks for the next hop ({@code example.com}, {@code example.com:587},
 * {@code [192.0.2.1]:25}) and, for a domain, its parent wildcard forms ({@code .example.com});
 * Sendmail asks for the domain. A port is dropped; bracketed next hops (addresses, or hosts the
 * operator told Postfix not to look up MX for) and wildcard forms are never list entries, so they
 * get {@code NOTFOUND}.
 *
 * <p>Fail safe: only a clean {@code NO_POLICY} decision becomes {@code NOTFOUND}. Anything thrown
 * while answering becomes {@code TEMP internal error}, which makes the MTA defer.
 */
public final class SocketmapResponder {
    private static final Logger LOG = LoggerFactory.getLogger(SocketmapResponder.class);

    private final SocketmapMaps maps;
    private final AnswerRecorder recorder;

    public SocketmapResponder(SocketmapMaps maps) {
        this(maps, AnswerRecorder.NONE);
    }

    /** As above, reporting each answer's status and latency to {@code recorder}. */
    public SocketmapResponder(SocketmapMaps maps, AnswerRecorder recorder) {
        this.maps = Objects.requireNonNull(maps, "maps");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    public SocketmapReply answer(SocketmapRequest request) {
        long started = System.nanoTime();
        SocketmapReply reply = answerSafely(request);
        recorder.answered(reply.status().name(), System.nanoTime() - started);
        return reply;
    }

    /** Counts the {@code PERM} sent for a malformed request (the handler sends it, not {@link #answer}). */
    void refusedMalformed() {
        recorder.counted(SocketmapReply.Status.PERM.name());
    }

    private SocketmapReply answerSafely(SocketmapRequest request) {
        try {
            SocketmapReply reply = decideAndTranslate(request);
            if (reply.status() == SocketmapReply.Status.TEMP) {
                LOG.warn("socketmap {} -> {}", request, reply);
            }
            return reply;
        } catch (RuntimeException e) {
            LOG.warn("socketmap {} -> TEMP internal error", request, e);
            return SocketmapReply.temp("internal error");
        }
    }

    private SocketmapReply decideAndTranslate(SocketmapRequest request) {
        String domain = domainToLookUp(request.key());
        if (domain == null) {
            LOG.debug("socketmap {} -> NOTFOUND (not a bare domain key)", request);
            return SocketmapReply.notFound();
        }
        Decision decision = maps.decide(request.mapName(), domain);
        SocketmapReply reply = translate(decision, maps.settingsFor(request.mapName()));
        if (LOG.isDebugEnabled()) {
            // Guarded: three arguments mean an array per request even when debug is off.
            LOG.debug("socketmap {} -> {} ({})", request, reply, decision.reason());
        }
        return reply;
    }

    /** The domain to look up for a key, or null when the key can never be a list entry. */
    static String domainToLookUp(String key) {
        if (key.startsWith("[") || key.startsWith(".")) {
            return null;
        }
        int colon = key.lastIndexOf(':');
        if (colon > 0 && isPort(key.substring(colon + 1))) {
            return key.substring(0, colon);
        }
        return key;
    }

    private static boolean isPort(String text) {
        return !text.isEmpty() && text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The reply a decision becomes under the given map settings (also what {@code policyctl lookup} shows). */
    public static SocketmapReply translate(Decision decision, SocketmapMapSettings settings) {
        switch (decision.verdict()) {
            case REQUIRE_TLS:
            case DEFER_DOWNGRADE:
                // At delivery a known downgrade changes nothing: requiring TLS is what defers.
                String value = secureValue(decision.policy(), settings.servername());
                if (!SocketmapReply.fitsOk(value)) {
                    return SocketmapReply.temp("policy for " + decision.domain() + " is longer than "
                            + SocketmapReply.MAX_REPLY_BYTES + " bytes");
                }
                return SocketmapReply.ok(value);
            case NO_POLICY:
                return SocketmapReply.notFound();
            case TEMPFAIL:
                return SocketmapReply.temp(decision.reason());
            default:
                throw new IllegalStateException("unknown verdict " + decision.verdict());
        }
    }

    /** {@code secure match=mx1.example.com:.example.net servername=hostname}, patterns in list order. */
    static String secureValue(TlsPolicy policy, boolean servername) {
        StringBuilder value = new StringBuilder(80).append("secure match=");
        String separator = "";
        for (MxPattern pattern : policy.mxs()) {
            value.append(separator).append(pattern.asString());
            separator = ":";
        }
        if (servername) {
            value.append(" servername=hostname");
        }
        return value.toString();
    }
}
