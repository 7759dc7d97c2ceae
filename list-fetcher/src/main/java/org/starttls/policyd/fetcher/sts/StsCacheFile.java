package org.starttls.policyd.fetcher.sts;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.sts.StsPolicyParser;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.core.sts.StsRecord;

/**
 * The MTA-STS cache on disk ({@code mta-sts-cache.json} in the state directory), so a restart
 * keeps every policy until its {@code max_age} without asking the network.
 *
 * <pre>{"format":"starttls-policyd mta-sts cache","version":1,"policies":[
 *   {"domain":"example.com","id":"20240101","fetched":"2026-...Z","checked":"2026-...Z",
 *    "policy":"version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\n"}]}</pre>
 *
 * <p>The policy is kept as the domain served it and parsed again on reading, so the file can never
 * smuggle in a policy the parser would refuse. Reading trusts nothing: a file over the size limit,
 * one that does not parse, or one of another format is ignored as a whole with one warning (the
 * cache then starts empty, which is what a first start is); a single bad entry is skipped. Entries
 * past their {@code max_age} are dropped. Writing goes to a temporary file, synced, then renamed
 * over the old one, so a crash leaves either the old file or the new one.
 */
final class StsCacheFile {
    static final String FORMAT = "starttls-policyd mta-sts cache";
    static final int VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(StsCacheFile.class);
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8)
                    .maxStringLength(StsPolicyParser.DEFAULT_MAX_BYTES * 2).build())
            .build();

    private final Path file;
    private final long maxBytes;
    private final int maxEntries;
    private final StsPolicyParser parser = new StsPolicyParser();

    StsCacheFile(Path file, long maxBytes, int maxEntries) {
        this.file = Objects.requireNonNull(file, "file");
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    Path path() {
        return file;
    }

    /** The policies still usable at {@code now}, newest first, at most {@code maxEntries}; none when there is no file. */
    List<CachedStsPolicy> read(Instant now) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                LOG.warn("ignoring the MTA-STS cache {}: larger than the limit of {} bytes; the cache starts empty",
                        file, maxBytes);
                return List.of();
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warn("ignoring the MTA-STS cache {}: cannot read it ({}); the cache starts empty", file, e.toString());
            return List.of();
        }
        List<CachedStsPolicy> policies = new ArrayList<>();
        int skipped;
        try {
            skipped = parse(bytes, now, policies);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring the MTA-STS cache {}: not a valid cache file ({}); the cache starts empty", file,
                    e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
            return List.of();
        }
        if (skipped > 0) {
            LOG.warn("MTA-STS cache {}: skipped {} invalid entries", file, skipped);
        }
        policies.sort(Comparator.comparing(CachedStsPolicy::fetchedAt).reversed());
        return policies.size() > maxEntries ? List.copyOf(policies.subList(0, maxEntries)) : policies;
    }

    /** Adds the usable entries to {@code into}; returns how many invalid ones were skipped. */
    private int parse(byte[] bytes, Instant now, List<CachedStsPolicy> into) throws IOException {
        int skipped = 0;
        boolean formatSeen = false;
        try (JsonParser json = JSON.createParser(bytes)) {
            expect(json.nextToken(), JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("format".equals(field)) {
                    if (value != JsonToken.VALUE_STRING || !FORMAT.equals(json.getText())) {
                        throw new IOException("format is not \"" + FORMAT + "\"");
                    }
                    formatSeen = true;
                } else if ("version".equals(field)) {
                    if (value != JsonToken.VALUE_NUMBER_INT || json.getIntValue() != VERSION) {
                        throw new IOException("version is not " + VERSION);
                    }
                } else if ("policies".equals(field)) {
                    expect(value, JsonToken.START_ARRAY);
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        CachedStsPolicy policy = entry(json);
                        if (policy == null) {
                            skipped++;
                        } else if (policy.usableAt(now)) {
                            into.add(policy);
                        }
                    }
                    expect(json.currentToken(), JsonToken.END_ARRAY);
                } else {
                    json.skipChildren();
                }
            }
            expect(json.currentToken(), JsonToken.END_OBJECT);
            if (json.nextToken() != null) {
                throw new IOException("data after the end of the cache");
            }
        }
        if (!formatSeen) {
            throw new IOException("no \"format\" field");
        }
        return skipped;
    }

    private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) {
            throw new IOException("expected " + wanted + ", found " + actual);
        }
    }

    /** One entry, or null when it is not a valid one (the parser is then past its end). */
    private CachedStsPolicy entry(JsonParser json) throws IOException {
        String domain = null;
        String id = null;
        String fetched = null;
        String checked = null;
        String policy = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            String text = value == JsonToken.VALUE_STRING ? json.getText() : null;
            json.skipChildren();
            switch (field) {
                case "domain" -> domain = text;
                case "id" -> id = text;
                case "fetched" -> fetched = text;
                case "checked" -> checked = text;
                case "policy" -> policy = text;
                default -> {
                }
            }
        }
        expect(json.currentToken(), JsonToken.END_OBJECT);
        if (domain == null || id == null || fetched == null || checked == null || policy == null) {
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
            return new CachedStsPolicy(domain, id, valid.policy(), Instant.parse(fetched), Instant.parse(checked));
        } catch (IllegalArgumentException | DateTimeException e) {
            return null;
        }
    }

    /**
     * Replaces the file with {@code policies}, newest first, stopping before the size limit (so
     * the file always reads back).
     */
    void write(Collection<CachedStsPolicy> policies) throws IOException {
        List<CachedStsPolicy> newestFirst = new ArrayList<>(policies);
        newestFirst.sort(Comparator.comparing(CachedStsPolicy::fetchedAt).reversed());
        byte[] bytes = encode(newestFirst);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private byte[] encode(List<CachedStsPolicy> policies) throws IOException {
        // Room for the closing brackets, so the limit holds for the whole file.
        long budget = maxBytes - 16;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("format", FORMAT);
            json.writeNumberField("version", VERSION);
            json.writeArrayFieldStart("policies");
            int written = 0;
            for (CachedStsPolicy policy : policies) {
                if (written == maxEntries) {
                    break;
                }
                byte[] entry = encodeEntry(policy);
                json.flush();
                if (out.size() + entry.length + 1 > budget) {
                    break;
                }
                json.writeRawValue(new String(entry, StandardCharsets.UTF_8));
                written++;
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private static byte[] encodeEntry(CachedStsPolicy policy) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("domain", policy.domain());
            json.writeStringField("id", policy.id());
            json.writeStringField("fetched", policy.fetchedAt().toString());
            json.writeStringField("checked", policy.checkedAt().toString());
            json.writeStringField("policy", String.join("\n", policy.policy().lines()) + "\n");
            json.writeEndObject();
        }
        return out.toByteArray();
    }
}
