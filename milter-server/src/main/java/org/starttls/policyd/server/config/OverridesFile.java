package org.starttls.policyd.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.starttls.policyd.core.engine.LocalOverride;
import org.starttls.policyd.core.engine.OverridePolicy;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.list.MxPattern;

/**
 * Reads the overrides file ({@code overrides.file}): a YAML mapping from a domain
 * ({@code partner.example}) or a parent ({@code .example.org}, its subdomains) to
 * {@code policy} (secure, dane-only, dane, encrypt, none), {@code match} (secure only: a list of
 * host names or {@code .parent} patterns), {@code reason} (required) and {@code expires}
 * ({@code YYYY-MM-DD}, the last day it applies). Read through the config's size bound; unknown
 * keys, bad values and a key given twice are refused with the file and the line, as for the
 * config. The file is read token by token so that every error can name its line.
 */
public final class OverridesFile {
    /** What one {@code secure} override may pin; far more than any domain has MX hosts. */
    public static final int MAX_MATCH_PATTERNS = 100;
    /** A reason is one sentence for an operator, also shown in logs and answers' explanations. */
    public static final int MAX_REASON_CHARS = 300;

    private static final YAMLFactory YAML = (YAMLFactory) new YAMLFactory()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String origin;
    private final JsonParser parser;

    private OverridesFile(String origin, JsonParser parser) {
        this.origin = origin;
        this.parser = parser;
    }

    /** The overrides in {@code file}; an empty file (or one of comments only) holds none. */
    public static Overrides read(Path file) throws ConfigException {
        byte[] bytes = ConfigLoader.readBounded(file);
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return Overrides.NONE;
        }
        try (JsonParser parser = YAML.createParser(bytes)) {
            return new OverridesFile(file.toString(), parser).entries();
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                message = message.replaceFirst("^Duplicate field '([^']*)'.*$", "\"$1\" is given twice; give each key once");
            }
            throw new ConfigException(file + ": " + line(e.getLocation()) + message);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private Overrides entries() throws IOException, ConfigException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return Overrides.NONE;
        }
        if (first != JsonToken.START_OBJECT) {
            throw error(parser.currentTokenLocation(), "the file must map domains to overrides (\"partner.example:\" "
                    + "then policy, reason, ...)");
        }
        List<LocalOverride> entries = new ArrayList<>();
        Map<String, Integer> lines = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            JsonLocation at = parser.currentTokenLocation();
            String name = name(parser.currentName(), at);
            Integer earlier = lines.putIfAbsent(name, at.getLineNr());
            if (earlier != null) {
                throw error(at, name + " is given twice (also line " + earlier + ")");
            }
            entries.add(entry(name, at));
        }
        if (parser.nextToken() != null) {
            throw error(parser.currentTokenLocation(), "unexpected content after the overrides");
        }
        return new Overrides(entries);
    }

    /** The normalised domain, or {@code .parent} with its leading dot kept. */
    private String name(String key, JsonLocation at) throws ConfigException {
        boolean parent = key.startsWith(".");
        try {
            String domain = DomainName.normalize(parent ? key.substring(1) : key);
            if (key.endsWith(".")) {
                throw new InvalidNameException("ends with a dot");
            }
            return parent ? "." + domain : domain;
        } catch (InvalidNameException e) {
            throw error(at, "\"" + key + "\" is not a domain (partner.example) or a parent (.example.org): "
                    + e.getMessage());
        }
    }

    private LocalOverride entry(String name, JsonLocation at) throws IOException, ConfigException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw error(parser.currentTokenLocation(), name + ": give its policy and reason under it");
        }
        OverridePolicy policy = null;
        List<MxPattern> match = null;
        String reason = null;
        LocalDate expires = null;
        JsonLocation matchAt = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonLocation keyAt = parser.currentTokenLocation();
            switch (key) {
                case "policy":
                    String text = scalar(name, key);
                    policy = OverridePolicy.ofWireName(text);
                    if (policy == null) {
                        throw error(keyAt, name + ".policy: \"" + text + "\" is not secure, dane-only, dane, encrypt or none");
                    }
                    break;
                case "match":
                    matchAt = keyAt;
                    match = patterns(name);
                    break;
                case "reason":
                    reason = scalar(name, key).strip();
                    if (reason.isEmpty() || reason.length() > MAX_REASON_CHARS
                            || reason.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                        throw error(keyAt, name + ".reason: give one line of at most " + MAX_REASON_CHARS
                                + " characters saying why (a ticket, a name)");
                    }
                    break;
                case "expires":
                    expires = date(name, scalar(name, key), keyAt);
                    break;
                default:
                    throw error(keyAt, name + ": unknown key \"" + key + "\"; known keys here: expires, match, policy, reason");
            }
        }
        if (policy == null) {
            throw error(at, name + ": policy is missing (secure, dane-only, dane, encrypt or none)");
        }
        if (reason == null) {
            throw error(at, name + ": reason is missing: say why the domain is overridden (a ticket, a name)");
        }
        if (policy == OverridePolicy.SECURE && match == null) {
            throw error(at, name + ": a secure override needs match: [mx1.partner.example, .mail.partner.example]");
        }
        if (policy != OverridePolicy.SECURE && match != null) {
            throw error(matchAt, name + ".match: only a secure override takes match patterns (this one is "
                    + policy.wireName() + ")");
        }
        return new LocalOverride(name, policy, match == null ? List.of() : match, reason, expires, at.getLineNr());
    }

    private String scalar(String name, String key) throws IOException, ConfigException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.VALUE_NULL) {
            throw error(parser.currentTokenLocation(), name + "." + key + ": the value is empty");
        }
        if (!token.isScalarValue()) {
            throw error(parser.currentTokenLocation(), name + "." + key + ": give one value, not a list or a mapping");
        }
        return parser.getText();
    }

    private List<MxPattern> patterns(String name) throws IOException, ConfigException {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
            throw error(parser.currentTokenLocation(), name + ".match: give a list: [mx1.partner.example, .partner.example]");
        }
        List<MxPattern> patterns = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            JsonLocation at = parser.currentTokenLocation();
            if (!parser.currentToken().isScalarValue() || parser.currentToken() == JsonToken.VALUE_NULL) {
                throw error(at, name + ".match: each pattern is a host name or .parent");
            }
            patterns.add(pattern(name, parser.getText(), at));
        }
        if (patterns.isEmpty()) {
            throw error(parser.currentTokenLocation(), name + ".match: the list is empty; give at least one MX pattern");
        }
        if (patterns.size() > MAX_MATCH_PATTERNS) {
            throw error(parser.currentTokenLocation(), name + ".match: more than " + MAX_MATCH_PATTERNS + " patterns");
        }
        return patterns;
    }

    /** A Postfix {@code match=} pattern: a host name or {@code .parent}; never an address (postfix-tlspol #70). */
    private MxPattern pattern(String name, String text, JsonLocation at) throws ConfigException {
        String host = text.startsWith(".") ? text.substring(1) : text;
        int lastDot = host.lastIndexOf('.');
        String last = host.substring(lastDot + 1);
        if (host.indexOf(':') >= 0 || host.startsWith("[") || (!last.isEmpty() && last.chars().allMatch(Character::isDigit))) {
            throw error(at, name + ".match: \"" + text + "\" is an address; give host names (mx1.partner.example) or "
                    + ".parent");
        }
        if (host.indexOf('.') < 0) {
            throw error(at, name + ".match: \"" + text + "\" is not a fully qualified host name");
        }
        try {
            return MxPattern.of(text);
        } catch (InvalidNameException e) {
            throw error(at, name + ".match: \"" + text + "\" is not a host name or .parent: " + e.getMessage());
        }
    }

    private LocalDate date(String name, String text, JsonLocation at) throws ConfigException {
        try {
            if (!text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                throw new DateTimeParseException("not YYYY-MM-DD", text, 0);
            }
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw error(at, name + ".expires: \"" + text + "\" is not a date YYYY-MM-DD (the last day it applies, UTC)");
        }
    }

    private ConfigException error(JsonLocation at, String reason) {
        return new ConfigException(origin + ": " + line(at) + reason);
    }

    private static String line(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ": ";
    }
}
