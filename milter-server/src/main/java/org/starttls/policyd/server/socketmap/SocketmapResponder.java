package org.starttls.policyd.server.socketmap;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.metrics.AnswerRecorder;

/**
 * Answers socketmap requests, independent of the transport: key to domain, domain to
 * {@link Decision}, decision to {@link SocketmapReply} (written by {@link AnswerRenderer}).
 *
 * <p>Keys: Postfix asks for the next hop ({@code example.com}, {@code example.com:587},
 * {@code example.com:submission}, {@code [192.0.2.1]:25}) and, for a domain, its parent wildcard
 * forms ({@code .example.com}); Sendmail asks for the domain. A port or service name is dropped;
 * bracketed next hops (addresses, or hosts the operator told Postfix not to look up MX for) and
 * wildcard forms are never list entries, so they get {@code NOTFOUND}. The domain itself is
 * normalised by {@code DomainName} (case, trailing dot, IDNA dots, U-labels).
 *
 * <p>Fail safe: only a clean {@code NO_POLICY} decision becomes {@code NOTFOUND}. Anything thrown
 * while answering becomes {@code TEMP internal error}, which makes the MTA defer.
 *
 * <p>An answer is immediate (a {@link SocketmapReply}) or pending ({@link SocketmapAnswer#later});
 * a pending one is recorded when it completes with a reply, and the door turns one that fails or
 * runs past the request deadline into {@code TEMP} (and records that through
 * {@link #answeredByDoor}).
 */
public final class SocketmapResponder implements SocketmapAnswerSource {
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

    @Override
    public SocketmapAnswer answer(String mapName, String key) {
        long started = System.nanoTime();
        SocketmapAnswer answer = answerSafely(mapName, key);
        SocketmapReply now = answer.immediate();
        if (now != null) {
            recorder.answered(AnswerRenderer.label(now), System.nanoTime() - started);
            return now;
        }
        return SocketmapAnswer.later(((SocketmapAnswer.Pending) answer).reply().thenApply(reply -> {
            if (reply != null) {
                recorder.answered(AnswerRenderer.label(reply), System.nanoTime() - started);
            }
            return reply;
        }));
    }

    /**
     * The door's common case without a string: a bare domain key in normal form for a map that
     * asks only the list ({@link SocketmapMaps#decideAsciiAtOnce}), or a key that is never a list
     * entry ({@code [...]}, {@code .parent}). The same reply, metrics and debug line as
     * {@link #answer}; null for every other request, and {@link #answer} then says.
     */
    @Override
    public SocketmapAnswer answerAscii(String mapName, byte[] key, int offset, int length) {
        long started = System.nanoTime();
        SocketmapReply reply;
        try {
            reply = replyFromAscii(mapName, key, offset, length);
        } catch (RuntimeException e) {
            return null; // answer() tries again with the string, and logs what goes wrong
        }
        if (reply != null) {
            recorder.answered(AnswerRenderer.label(reply), System.nanoTime() - started);
        }
        return reply;
    }

    private SocketmapReply replyFromAscii(String mapName, byte[] key, int offset, int length) {
        if (neverAnEntry(key[offset])) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("socketmap {} {} -> NOTFOUND (not a bare domain key)", mapName, ascii(key, offset, length));
            }
            return SocketmapReply.notFound();
        }
        Decision decision = maps.decideAsciiAtOnce(mapName, key, offset, length);
        if (decision == null) {
            return null;
        }
        SocketmapReply reply = AnswerRenderer.socketmap(mapName, decision, maps.settingsFor(mapName));
        if (reply.status() == SocketmapReply.Status.TEMP) {
            return null; // a policy too long for a reply: answer() gives the TEMP with its warning
        }
        recorder.decidedBy(decision.source());
        if (LOG.isDebugEnabled()) {
            LOG.debug("socketmap {} {} -> {} ({})", mapName, ascii(key, offset, length), reply, decision.reason());
        }
        return reply;
    }

    private static String ascii(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }

    /** Counts a reply the door sent itself ({@code PERM} for a malformed request, {@code TEMP} for a failed pending answer). */
    @Override
    public void answeredByDoor(SocketmapReply reply) {
        recorder.counted(AnswerRenderer.label(reply));
    }

    private SocketmapAnswer answerSafely(String mapName, String key) {
        try {
            SocketmapAnswer answer = decideAndTranslate(mapName, key);
            SocketmapReply reply = answer.immediate();
            if (reply != null && reply.status() == SocketmapReply.Status.TEMP) {
                LOG.warn("socketmap {} {} -> {}", mapName, key, reply);
            }
            return answer;
        } catch (RuntimeException e) {
            LOG.warn("socketmap {} {} -> TEMP internal error", mapName, key, e);
            return SocketmapReply.temp("internal error");
        }
    }

    private SocketmapAnswer decideAndTranslate(String mapName, String key) {
        String domain = domainToLookUp(key);
        if (domain == null) {
            LOG.debug("socketmap {} {} -> NOTFOUND (not a bare domain key)", mapName, key);
            return SocketmapReply.notFound();
        }
        SocketmapMapSettings settings = maps.settingsFor(mapName);
        Decision atOnce = maps.decideFromListAtOnce(mapName, domain);
        if (atOnce != null) {
            return translate(mapName, key, atOnce, settings);
        }
        CompletableFuture<Decision> decision = maps.decideWithSts(mapName, domain).toCompletableFuture();
        if (decision.isDone()) {
            return translate(mapName, key, decision.join(), settings);
        }
        return SocketmapAnswer.later(decision.thenApply(decided -> {
            try {
                SocketmapReply reply = translate(mapName, key, decided, settings);
                if (reply.status() == SocketmapReply.Status.TEMP) {
                    LOG.warn("socketmap {} {} -> {}", mapName, key, reply);
                }
                return reply;
            } catch (RuntimeException e) {
                LOG.warn("socketmap {} {} -> TEMP internal error", mapName, key, e);
                return SocketmapReply.temp("internal error");
            }
        }));
    }

    private SocketmapReply translate(String mapName, String key, Decision decision, SocketmapMapSettings settings) {
        SocketmapReply reply = AnswerRenderer.socketmap(mapName, decision, settings);
        recorder.decidedBy(decision.source());
        if (LOG.isDebugEnabled()) {
            // Guarded: four arguments mean an array per request even when debug is off.
            LOG.debug("socketmap {} {} -> {} ({})", mapName, key, reply, decision.reason());
        }
        return reply;
    }

    /** The domain to look up for a key, or null when the key can never be a list entry. */
    static String domainToLookUp(String key) {
        if (!key.isEmpty() && neverAnEntry(key.charAt(0))) {
            return null;
        }
        int colon = key.lastIndexOf(':');
        if (colon < 0) {
            return key;
        }
        // A domain holds no ':'; what follows one is the next hop's port or service name.
        return colon > 0 && isService(key.substring(colon + 1)) ? key.substring(0, colon) : null;
    }

    /** Whether a key starting with {@code first} can never be a list entry: a bracketed next hop, or a parent wildcard form. */
    private static boolean neverAnEntry(int first) {
        return first == '[' || first == '.';
    }

    /** A port number ({@code 587}) or a services(5) name ({@code smtp}, {@code submission}). */
    private static boolean isService(String text) {
        return !text.isEmpty() && text.length() <= MAX_SERVICE_CHARS && text.chars().allMatch(
                c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_');
    }

    /** Service names in services(5) are short; a port has at most five digits. */
    private static final int MAX_SERVICE_CHARS = 32;
}
