package org.starttls.policyd.core.list;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads one policy object: {@code {"mode": ..., "mxs": [...]}} or {@code {"policy-alias": NAME}}. */
final class PolicyReader {
    /** Per-policy keys of earlier editions, accepted and ignored. */
    static final Set<String> RETIRED_POLICY_KEYS =
            Set.of("pin", "report", "tls-report", "mta-sts", "min-tls-version");

    /** A policy as written: either its own definition or a reference to an alias. */
    record Entry(TlsPolicy policy, String aliasName) {
    }

    private final JsonParser parser;

    PolicyReader(JsonParser parser) {
        this.parser = parser;
    }

    /** Reads the object the parser is positioned on; {@code path} names it in errors. */
    Entry read(String path) throws IOException, ListFormatException {
        Values.expectObject(parser, path);
        String mode = null;
        List<String> mxs = null;
        String alias = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            switch (key) {
                case "mode":
                    requireFirst(mode, path, key);
                    mode = Values.text(parser, path, ".mode");
                    break;
                case "mxs":
                    requireFirst(mxs, path, key);
                    mxs = readStrings(path);
                    break;
                case "policy-alias":
                    requireFirst(alias, path, key);
                    alias = Values.text(parser, path, ".policy-alias");
                    break;
                default:
                    if (!RETIRED_POLICY_KEYS.contains(key)) {
                        throw new ListFormatException(path + "." + Values.quoted(key) + ": unknown key");
                    }
                    parser.skipChildren();
            }
        }
        if (alias != null) {
            // The format says the other fields of an alias reference are ignored.
            return new Entry(null, alias);
        }
        return new Entry(definition(path, mode, mxs), null);
    }

    private static TlsPolicy definition(String path, String modeText, List<String> mxs) throws ListFormatException {
        if (modeText == null) {
            throw new ListFormatException(path + ".mode: missing (must be \"enforce\" or \"testing\")");
        }
        PolicyMode mode = PolicyMode.fromWireName(modeText);
        if (mode == null) {
            throw new ListFormatException(path + ".mode: \"" + modeText
                    + "\" is not \"enforce\" or \"testing\"");
        }
        if (mxs == null) {
            throw new ListFormatException(path + ".mxs: missing");
        }
        if (mxs.isEmpty()) {
            throw new ListFormatException(path + ".mxs: must hold at least one MX pattern");
        }
        List<MxPattern> patterns = new ArrayList<>(mxs.size());
        for (int i = 0; i < mxs.size(); i++) {
            MxPattern pattern;
            try {
                pattern = MxPattern.of(mxs.get(i));
            } catch (InvalidNameException e) {
                throw new ListFormatException(path + ".mxs[" + i + "]: " + e.getMessage());
            }
            if (patterns.contains(pattern)) {
                throw new ListFormatException(path + ".mxs[" + i + "]: \"" + mxs.get(i) + "\" is listed twice");
            }
            patterns.add(pattern);
        }
        return new TlsPolicy(mode, patterns, null);
    }

    private static void requireFirst(Object earlier, String path, String key) throws ListFormatException {
        if (earlier != null) {
            throw new ListFormatException(path + "." + key + ": given twice");
        }
    }

    /** The {@code mxs} array of the policy at {@code path}. */
    private List<String> readStrings(String path) throws IOException, ListFormatException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new ListFormatException(path + ".mxs: must be an array of strings");
        }
        List<String> values = new ArrayList<>(4);
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                Values.text(parser, path, ".mxs[" + values.size() + "]");
            }
            values.add(parser.getText());
        }
        return values;
    }
}
