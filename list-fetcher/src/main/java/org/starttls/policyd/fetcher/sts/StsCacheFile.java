package org.starttls.policyd.fetcher.sts;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.sts.StsPolicyParser;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.core.sts.StsRecord;
import org.starttls.policyd.fetcher.cachefile.CacheEntryFormat;
import org.starttls.policyd.fetcher.cachefile.JsonCacheFile;

/**
 * The MTA-STS cache on disk ({@value StsResolver#CACHE_FILE_NAME} in the state directory), so a
 * restart keeps every policy until its {@code max_age} without asking the network; the file's
 * handling (limits, atomic writes, a corrupt file ignored) is {@link JsonCacheFile}'s.
 *
 * <pre>{"format":"starttls-policyd mta-sts cache","version":1,"policies":[
 *   {"domain":"example.com","id":"20240101","fetched":"2026-...Z","checked":"2026-...Z",
 *    "policy":"version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\n"}]}</pre>
 *
 * <p>The policy is kept as the domain served it and parsed again on reading, so the file can never
 * smuggle in a policy the parser would refuse. Entries past their {@code max_age} are dropped.
 */
final class StsCacheFile implements CacheEntryFormat<CachedStsPolicy> {
    static final String FORMAT = "starttls-policyd mta-sts cache";
    static final int VERSION = 1;

    private final StsPolicyParser parser = new StsPolicyParser();

    private StsCacheFile() {
    }

    /** The MTA-STS cache file at {@code file}. */
    static JsonCacheFile<CachedStsPolicy> open(Path file, long maxBytes, int maxEntries) {
        return new JsonCacheFile<>(file, maxBytes, maxEntries, new StsCacheFile());
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public String entriesField() {
        return "policies";
    }

    @Override
    public String description() {
        return "MTA-STS cache";
    }

    @Override
    public int maxStringChars() {
        return StsPolicyParser.DEFAULT_MAX_BYTES * 2;
    }

    @Override
    public Instant madeAt(CachedStsPolicy policy) {
        return policy.fetchedAt();
    }

    @Override
    public boolean usableAt(CachedStsPolicy policy, Instant now) {
        return policy.usableAt(now);
    }

    @Override
    public void write(CachedStsPolicy policy, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("domain", policy.domain());
        json.writeStringField("id", policy.id());
        json.writeStringField("fetched", policy.fetchedAt().toString());
        json.writeStringField("checked", policy.checkedAt().toString());
        json.writeStringField("policy", String.join("\n", policy.policy().lines()) + "\n");
        json.writeEndObject();
    }

    @Override
    public CachedStsPolicy read(Map<String, Object> fields) {
        if (!(fields.get("domain") instanceof String domain && fields.get("id") instanceof String id
                && fields.get("fetched") instanceof String fetched && fields.get("checked") instanceof String checked
                && fields.get("policy") instanceof String policy)) {
            return null;
        }
        try {
            if (!DomainName.normalize(domain).equals(domain)) {
                return null;
            }
            new StsRecord(id);
            StsPolicyResult result = parser.parse(policy.getBytes(StandardCharsets.UTF_8));
            if (!(result instanceof StsPolicyResult.Valid valid)) {
                return null;
            }
            Instant fetchedAt = Instant.parse(fetched);
            // Fetched and not re-checked since (the usual case): one Instant, not two equal ones.
            Instant checkedAt = checked.equals(fetched) ? fetchedAt : Instant.parse(checked);
            return new CachedStsPolicy(domain, id, valid.policy(), fetchedAt, checkedAt);
        } catch (IllegalArgumentException | DateTimeException e) {
            return null;
        }
    }
}
