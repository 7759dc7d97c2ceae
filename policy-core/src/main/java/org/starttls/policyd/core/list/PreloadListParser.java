package org.starttls.policyd.core.list;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
     * The reader's own limits, far above anything a list holds (a domain name or MX pattern has at
     * most 253 characters; a timestamp, an author or a mode fewer still), and far below Jackson's
     * defaults (20 million characters a string), so a hostile list is refused early and clearly.
     */
    /** The longest string value. */
    public static final int MAX_STRING_CHARS = 8 * 1024;
    /** The longest key: a domain name is at most 253 characters. */
    public static final int MAX_NAME_CHARS = 1024;
    /** The deepest nesting of objects and arrays; the format needs four levels. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** The longest number; the format has no numbers, an older edition's pinsets a few. */
    public static final int MAX_NUMBER_CHARS = 64;

    /*
     * Duplicate keys are refused by the reader itself (and, for domains, after normalisation):
     * Jackson's own detection keeps a set of every key, a million entries for a large list.
     * Field names are not canonicalized: that symbol table pays off for names that repeat, but
     * every domain key here is new, and interning a million of them took about 40% of the parse's CPU time
     * (docs/benchmarks.md).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNameLength(MAX_NAME_CHARS)
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .build())
            .build();

    private PreloadListParser() {
    }

    public static PreloadList parse(byte[] json) throws ListFormatException {
        JsonParser parser = null;
        try {
            parser = JSON.createParser(json);
            PreloadList list = new Reader(parser).readDocument();
            if (parser.nextToken() != null) {
                throw new ListFormatException("$: unexpected content after the top-level object");
            }
            return list;
        } catch (StreamConstraintsException e) {
            // Thrown without a location: take it from the parser, which stopped where the limit was hit.
            throw new ListFormatException(exceededLimit(e) + at(parser.currentLocation()), e);
        } catch (JsonProcessingException e) {
            throw new ListFormatException("not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()), e);
        } catch (IOException e) {
            throw new ListFormatException("cannot read the list: " + e.getMessage(), e);
        } finally {
            closeQuietly(parser);
        }
    }

    private static String exceededLimit(StreamConstraintsException e) {
        String jackson = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (jackson.contains("getMaxStringLength")) {
            return "a string longer than " + MAX_STRING_CHARS + " characters; no value in a list is near that long";
        }
        if (jackson.contains("getMaxNameLength")) {
            return "a key longer than " + MAX_NAME_CHARS + " characters; a domain name has at most 253";
        }
        if (jackson.contains("getMaxNestingDepth")) {
            return "objects or arrays nested deeper than " + MAX_NESTING_DEPTH + " levels";
        }
        if (jackson.contains("getMaxNumberLength")) {
            return "a number longer than " + MAX_NUMBER_CHARS + " characters";
        }
        return "beyond a limit of the list reader: " + jackson;
    }

    private static String at(com.fasterxml.jackson.core.JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static void closeQuietly(JsonParser parser) {
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException e) {
                // A parser over a byte array holds nothing to release.
            }
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
            Set<String> seen = new HashSet<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                if (!seen.add(key)) {
                    throw new ListFormatException(Values.quoted(key) + ": given twice");
                }
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
                if (result.putIfAbsent(name, entry.policy().viaAlias(name)) != null) {
                    throw new ListFormatException(path + ": given twice");
                }
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
            return policies.build(version, timestamp, expires, author, aliases);
        }
    }

    /**
     * Policies by normalised domain, straight into the compact {@link PolicyIndex}. Alias
     * references are kept as alias numbers and checked once all aliases are known, since the
     * aliases may come after the policies in the document.
     */
    private static final class PolicyTable {
        private final PolicyIndex index = new PolicyIndex();
        private final Map<String, Integer> aliasIds = new HashMap<>();
        /** For each alias number, the path of the first policy that referred to it (for errors). */
        private final List<String> firstReference = new ArrayList<>();
        private final List<Integer> referencesByAlias = new ArrayList<>();
        private final Map<PolicyMode, Integer> inlineCounts = new EnumMap<>(PolicyMode.class);

        PolicyTable() {
            for (PolicyMode mode : PolicyMode.values()) {
                inlineCounts.put(mode, 0);
            }
        }

        void add(String domain, String path, PolicyReader.Entry entry) throws ListFormatException {
            boolean added;
            if (entry.aliasName() != null) {
                int id = aliasId(entry.aliasName(), path);
                added = index.putAlias(domain, id);
                if (added) {
                    referencesByAlias.set(id, referencesByAlias.get(id) + 1);
                }
            } else {
                added = index.putInline(domain, entry.policy().mode(), entry.policy().mxs());
                if (added) {
                    inlineCounts.merge(entry.policy().mode(), 1, Integer::sum);
                }
            }
            if (!added) {
                throw new ListFormatException(path + ": the same domain as an earlier entry (\"" + domain
                        + "\"; names are compared in lower case, without a trailing dot, as A-labels)");
            }
        }

        private int aliasId(String name, String path) throws ListFormatException {
            Integer id = aliasIds.get(name);
            if (id != null) {
                return id;
            }
            if (aliasIds.size() >= PolicyIndex.MAX_ALIASES) {
                throw new ListFormatException(path + ".policy-alias: more than " + PolicyIndex.MAX_ALIASES
                        + " different aliases are referred to");
            }
            aliasIds.put(name, aliasIds.size());
            firstReference.add(path);
            referencesByAlias.add(0);
            return aliasIds.size() - 1;
        }

        PreloadList build(String version, Instant timestamp, Instant expires, String author,
                Map<String, TlsPolicy> aliases) throws ListFormatException {
            List<TlsPolicy> byId = new ArrayList<>(aliasIds.size());
            for (int i = 0; i < aliasIds.size(); i++) {
                byId.add(null);
            }
            Map<PolicyMode, Integer> counts = new EnumMap<>(inlineCounts);
            int viaAlias = 0;
            for (Map.Entry<String, Integer> reference : aliasIds.entrySet()) {
                TlsPolicy policy = aliases.get(reference.getKey());
                int id = reference.getValue();
                if (policy == null) {
                    throw new ListFormatException(firstReference.get(id) + ".policy-alias: \"" + reference.getKey()
                            + "\" is not defined in policy-aliases");
                }
                byId.set(id, policy);
                counts.merge(policy.mode(), referencesByAlias.get(id), Integer::sum);
                viaAlias += referencesByAlias.get(id);
            }
            return new PreloadList(version, timestamp, expires, author, aliases, byId, index, counts, viaAlias);
        }
    }
}
