package org.starttls.policyd.core.list;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;

/** Typed reads of scalar values, each failing with the path of the value. */
final class Values {
    private Values() {
    }

    static String text(JsonParser parser, String path) throws IOException, ListFormatException {
        return text(parser, path, "");
    }

    /** As {@link #text(JsonParser, String)}; the path is {@code path + suffix}, joined only for an error. */
    static String text(JsonParser parser, String path, String suffix) throws IOException, ListFormatException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new ListFormatException(path + suffix + ": must be a string, found " + describe(parser.currentToken()));
        }
        return parser.getText();
    }

    static Instant instant(JsonParser parser, String path) throws IOException, ListFormatException {
        try {
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                return ListTimestamps.parseText(parser.getText());
            }
            if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return ListTimestamps.parseEpochSeconds(parser.getLongValue());
            }
        } catch (IllegalArgumentException | IOException e) {
            throw new ListFormatException(path + ": " + e.getMessage());
        }
        throw new ListFormatException(path + ": must be an RFC 3339 string or integer epoch seconds, found "
                + describe(parser.currentToken()));
    }

    static void expectObject(JsonParser parser, String path) throws ListFormatException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new ListFormatException(path + ": must be an object, found " + describe(parser.currentToken()));
        }
    }

    /** A key as it appears in a path: quoted, since domain names contain dots. */
    static String quoted(String key) {
        return "\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        switch (token) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.toString();
        }
    }
}
