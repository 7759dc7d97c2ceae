package org.starttls.policyd.core.list;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the STARTTLS Everywhere list format (version 0.1) into a {@link PreloadList}.
 *
 * <p>Streaming, so a million-domain list never exists as a JSON tree in memory. Every rejection
 * names where it is ({@code policies."foo.com".mxs[2]: ...}). Keys of older editions that clients
 * no longer use are skipped; any other unknown key is refused, since a typo in a security policy
 * should not pass silently. Duplicate keys are refused for the same reason.
 */
public final class PreloadListParser {
    public static final String SUPPORTED_VERSION = "0.1";

    /** Top-level keys of earlier editions, accepted and ignored. */
    static final Set<String> RETIRED_TOP_LEVEL_KEYS = Set.of("pinsets");

    /*
     * Field names are not canonicalized: that symbol table pays off for names that repeat, but
     * every domain key here is new, and interning a million of them took about 40% of the parse's CPU time
     * (docs/benchmarks.md).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    private PreloadListParser() {
    }

    public static PreloadList parse(byte[] json) throws ListFormatException {
        try (JsonParser parser = JSON.createParser(json)) {
            PreloadList list = new Reader(parser).readDocument();
            if (parser.nextToken() != null) {
                throw new ListFormatException("$: unexpected content after the top-level object");
            }
            return list;
        } catch (JsonProcessingException e) {
            throw new ListFormatException("not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new ListFormatException("cannot read the list: " + e.getMessage(), e);
        }
    }

    /** Holds the state of one parse: the fields seen so far. */
    private static final class Reader {
        private final JsonParser parser;
        private final PolicyReader policyReader;
        private String version;
        private Instant timestamp;
        private Instant expires;
        private String author;
        private Map<String, TlsPolicy> aliases = Map.of();
        private PolicyTable policies;

        Reader(JsonParser parser) {
            this.parser = parser;
            this.policyReader = new PolicyReader(parser);
        }

        PreloadList readDocument() throws IOException, ListFormatException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ListFormatException("$: the list must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                parser.nextToken();
                readTopLevelField(key);
            }
            return build();
        }

        private void readTopLevelField(String key) throws IOException, ListFormatException {
            switch (key) {
                case "version":
                    version = Values.text(parser, "version");
                    break;
                case "timestamp":
                    timestamp = Values.instant(parser, "timestamp");
                    break;
                case "expires":
                    expires = Values.instant(parser, "expires");
                    break;
                case "author":
                    author = Values.text(parser, "author");
                    break;
                case "policy-aliases":
                    aliases = readAliases();
                    break;
                case "policies":
                    policies = readPolicies();
                    break;
                default:
                    if (!RETIRED_TOP_LEVEL_KEYS.contains(key)) {
                        throw new ListFormatException(Values.quoted(key) + ": unknown key");
                    }
                    parser.skipChildren();
            }
        }

        private Map<String, TlsPolicy> readAliases() throws IOException, ListFormatException {
            Values.expectObject(parser, "policy-aliases");
            Map<String, TlsPolicy> result = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                String path = "policy-aliases." + Values.quoted(name);
                if (name.isEmpty()) {
                    throw new ListFormatException(path + ": an alias name cannot be empty");
                }
                parser.nextToken();
                PolicyReader.Entry entry = policyReader.read(path);
                if (entry.aliasName() != null) {
                    throw new ListFormatException(path + ": an alias cannot point to another alias (\""
                            + entry.aliasName() + "\")");
                }
                result.put(name, entry.policy().viaAlias(name));
            }
            return result;
        }

        private PolicyTable readPolicies() throws IOException, ListFormatException {
            Values.expectObject(parser, "policies");
            PolicyTable table = new PolicyTable();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                String path = "policies." + Values.quoted(key);
                String domain;
                try {
                    domain = DomainName.normalize(key);
                } catch (InvalidNameException e) {
                    throw new ListFormatException(path + ": invalid domain: " + e.getMessage());
                }
                parser.nextToken();
                table.add(domain, path, policyReader.read(path));
            }
            return table;
        }

        private PreloadList build() throws ListFormatException {
            if (version == null) {
                throw new ListFormatException("version: missing (must be \"" + SUPPORTED_VERSION + "\")");
            }
            if (!SUPPORTED_VERSION.equals(version)) {
                throw new ListFormatException("version: \"" + version + "\" is not supported (only \""
                        + SUPPORTED_VERSION + "\")");
            }
            if (timestamp == null) {
                throw new ListFormatException("timestamp: missing");
            }
            if (expires == null) {
                throw new ListFormatException("expires: missing");
            }
            if (!expires.isAfter(timestamp)) {
                throw new ListFormatException("expires: " + expires + " is not after the timestamp " + timestamp);
            }
            if (policies == null) {
                throw new ListFormatException("policies: missing");
            }
            Map<String, TlsPolicy> resolved = policies.resolve(aliases);
            return new PreloadList(version, timestamp, expires, author, aliases, resolved);
        }
    }

    /** Policies by normalised domain; alias references are resolved once all aliases are known. */
    private static final class PolicyTable {
        private final Map<String, TlsPolicy> policies = new HashMap<>();
        private final Map<String, String> aliasReferences = new HashMap<>();
        private final Map<String, String> paths = new HashMap<>();

        void add(String domain, String path, PolicyReader.Entry entry) throws ListFormatException {
            String earlier = paths.putIfAbsent(domain, path);
            if (earlier != null) {
                throw new ListFormatException(path + ": the same domain as " + earlier + " (names are compared"
                        + " in lower case, without a trailing dot, as A-labels)");
            }
            if (entry.aliasName() != null) {
                aliasReferences.put(domain, entry.aliasName());
            } else {
                policies.put(domain, entry.policy());
            }
        }

        Map<String, TlsPolicy> resolve(Map<String, TlsPolicy> aliases) throws ListFormatException {
            for (Map.Entry<String, String> reference : aliasReferences.entrySet()) {
                TlsPolicy policy = aliases.get(reference.getValue());
                if (policy == null) {
                    throw new ListFormatException(paths.get(reference.getKey()) + ".policy-alias: \""
                            + reference.getValue() + "\" is not defined in policy-aliases");
                }
                policies.put(reference.getKey(), policy);
            }
            return policies;
        }
    }
}
