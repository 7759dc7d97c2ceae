package org.starttls.policyd.server.sts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.LocalOverride;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.fetcher.sts.CachedStsPolicy;
import org.starttls.policyd.fetcher.sts.StsCacheState;
import org.starttls.policyd.fetcher.sts.StsOutcome;
import org.starttls.policyd.server.socketmap.SocketmapReply;

/**
 * The explanation of one lookup as JSON, the same from the daemon ({@code policyctl lookup} through
 * the admin endpoint) and from a live resolution in {@code policyctl}: the answer the MTA gets,
 * which source decided and why, what the list says, and what MTA-STS knows (record id, policy,
 * its age and expiry, cache state, and why it was unusable).
 */
public final class LookupReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LookupReport() {
    }

    /**
     * @param listed the list's entry for the domain, or null
     * @param sts what the MTA-STS cache knows now, or null when MTA-STS is off
     */
    public static ObjectNode of(String map, Decision decision, SocketmapReply answer, TlsPolicy listed,
            StsCacheState sts, Instant now) {
        ObjectNode node = JSON.createObjectNode();
        node.put("domain", decision.domain());
        node.put("map", map);
        node.put("socketmap_answer", answer.wireText());
        node.put("verdict", decision.verdict().name());
        node.put("source", decision.source().wireName());
        node.put("reason", decision.reason());
        node.put("listed", listed != null);
        node.put("mode", listed != null ? listed.mode().wireName() : null);
        ArrayNode mxs = node.putArray("mxs");
        if (listed != null) {
            listed.mxs().stream().map(MxPattern::asString).forEach(mxs::add);
        }
        node.put("policy_alias", listed != null ? listed.aliasName() : null);
        node.set("mta_sts", sts == null ? JSON.createObjectNode().put("state", "off") : mtaSts(sts, now));
        return node;
    }

    /**
     * Adds what a local override decided: {@code override} ({@code name}, {@code policy},
     * {@code match}, {@code reason}, {@code expires}, {@code line}), {@code sources} (the answer,
     * verdict, source and reason DANE, MTA-STS and the list would have given), and
     * {@code override_weaker} with {@code override_warning} when the override asks for less
     * than what the domain publishes.
     */
    public static void addOverride(ObjectNode node, Decision overridden, Decision fromSources, SocketmapReply sourcesAnswer) {
        LocalOverride override = overridden.override();
        ObjectNode about = node.putObject("override");
        about.put("name", override.name());
        about.put("policy", override.policy().wireName());
        ArrayNode match = about.putArray("match");
        override.match().stream().map(MxPattern::asString).forEach(match::add);
        about.put("reason", override.reason());
        about.put("expires", override.expires() == null ? null : override.expires().toString());
        about.put("line", override.line());
        ObjectNode sources = node.putObject("sources");
        sources.put("socketmap_answer", sourcesAnswer.wireText());
        sources.put("verdict", fromSources.verdict().name());
        sources.put("source", fromSources.source().wireName());
        sources.put("reason", fromSources.reason());
        boolean weaker = override.policy().weakerThan(fromSources.verdict());
        node.put("override_weaker", weaker);
        node.put("override_warning", weaker ? "the override (" + override.policy().wireName() + ") is weaker than what "
                + "the sources say for " + fromSources.domain() + ": " + fromSources.source().wireName() + " would answer "
                + sourcesAnswer.wireText() : null);
    }

    private static ObjectNode mtaSts(StsCacheState state, Instant now) {
        ObjectNode node = JSON.createObjectNode();
        node.put("resolving", state.resolving());
        if (state.policy().isPresent()) {
            CachedStsPolicy cached = state.policy().get();
            node.put("state", state.staleBecause().isPresent() ? "stale" : "cached");
            node.put("record_id", cached.id());
            StsPolicy policy = cached.policy();
            node.put("policy_mode", policy.mode().wireName());
            node.put("max_age_seconds", policy.maxAge().getSeconds());
            ArrayNode mx = node.putArray("policy_mx");
            policy.mx().stream().map(StsMxPattern::toStsForm).forEach(mx::add);
            node.put("fetched_at", cached.fetchedAt().toString());
            node.put("checked_at", cached.checkedAt().toString());
            node.put("expires_at", cached.expiresAt().toString());
            node.put("age_seconds", Math.max(0, Duration.between(cached.fetchedAt(), now).getSeconds()));
            node.put("refresh_at", state.refreshAt().map(Instant::toString).orElse(null));
            node.put("stale_because", state.staleBecause().orElse(null));
        } else if (state.remembered().isPresent()) {
            StsOutcome remembered = state.remembered().get();
            if (remembered instanceof StsOutcome.NoPolicy none) {
                node.put("state", "no-record");
                node.put("unusable_because", none.reason().label() + ": " + none.detail());
            } else if (remembered instanceof StsOutcome.Unusable unusable) {
                node.put("state", "failed");
                node.put("unusable_because", unusable.kind().label() + ": " + unusable.detail());
                node.put("record_seen", unusable.recordSeen());
            } else {
                node.put("state", "remembered");
            }
            node.put("next_try_at", state.nextTryAt().map(Instant::toString).orElse(null));
        } else {
            node.put("state", state.resolving() ? "resolving" : "not-cached");
        }
        return node;
    }
}
