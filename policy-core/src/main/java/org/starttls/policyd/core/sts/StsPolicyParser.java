package org.starttls.policyd.core.sts;

import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.starttls.policyd.core.list.InvalidNameException;

/**
 * Reads an MTA-STS policy file ({@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt}, RFC 8461
 * section 3.2 and its errata): {@code key: value} lines, {@code version: STSv1},
 * {@code mode: enforce|testing|none}, {@code max_age} in seconds, and one {@code mx:} per pattern.
 *
 * <p>The rules, and the choices where the RFC leaves room:
 * <ul>
 *   <li>The body is at most {@code maxBytes} (64 KiB by default) and strict UTF-8; lines end in
 *       LF or CRLF (see {@link PolicyText}). Empty and blank lines are skipped.</li>
 *   <li>White space (SP, HTAB) around key and value is trimmed. Keys and the values of
 *       {@code version} and {@code mode} are compared ignoring case: a domain that wrote
 *       {@code Mode: Enforce} meant it, and reading it strictly would only leave it
 *       unprotected.</li>
 *   <li>For every key but {@code mx} the first occurrence wins, even when its value is invalid
 *       (a later line never repairs it); later ones are ignored with a warning.</li>
 *   <li>{@code max_age} is 1 to 10 ASCII digits (leading zeros allowed), at most 31557600.</li>
 *   <li>An {@code mx} that is not a valid pattern ({@link StsMxPattern#of}) is dropped with a
 *       warning; a repeated one is kept once. {@code enforce} and {@code testing} need at least one
 *       left; {@code none} needs none.</li>
 *   <li>Unknown keys are ignored; a non-empty line without ':' is ignored with a warning.</li>
 * </ul>
 * Nothing here throws for what a domain serves: every outcome is a {@link StsPolicyResult}.
 */
public final class StsPolicyParser {
    /** RFC 8461 section 3.3 suggests 64 KB; a real policy is a few hundred bytes. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    /** RFC 8461 errata: {@code sts-policy-max-age-value = 1*10(DIGIT)}. */
    static final int MAX_AGE_MAX_DIGITS = 10;

    private final int maxBytes;

    public StsPolicyParser() {
        this(DEFAULT_MAX_BYTES);
    }

    public StsPolicyParser(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public StsPolicyResult parse(byte[] body) {
        Objects.requireNonNull(body, "body");
        if (body.length > maxBytes) {
            return invalid(StsPolicyProblem.TOO_LARGE, "the policy is " + body.length
                    + " bytes, more than the limit of " + maxBytes + " bytes");
        }
        PolicyText text;
        try {
            text = PolicyText.of(body);
        } catch (CharacterCodingException e) {
            return invalid(StsPolicyProblem.NOT_UTF8, "the policy is not UTF-8 text");
        }
        return new Reading(text).result();
    }

    private static StsPolicyResult invalid(StsPolicyProblem problem, String detail) {
        return new StsPolicyResult.Invalid(problem, detail);
    }

    /** The state of one parse: the first value of each single key, the patterns, the warnings. */
    private static final class Reading {
        private final Warnings warnings = new Warnings();
        private final List<String> lines = new ArrayList<>();
        private final Set<StsMxPattern> mx = new LinkedHashSet<>();
        private int droppedMx;
        private String version;
        private String mode;
        private String maxAge;

        Reading(PolicyText text) {
            if (text.hadByteOrderMark) {
                warnings.add("a byte order mark before the first line was ignored");
            }
            for (PolicyText.Line line : text.lines) {
                read(line);
            }
        }

        private void read(PolicyText.Line line) {
            if (Ascii.isBlank(line.text())) {
                return;
            }
            lines.add(CommonLines.shared(line.text()));
            int colon = line.text().indexOf(':');
            if (colon < 0) {
                warnings.add("line " + line.number() + " " + Excerpt.of(line.text()) + " is not key: value; ignored");
                return;
            }
            String key = Ascii.trimWsp(line.text().substring(0, colon)).toLowerCase(Locale.ROOT);
            String value = Ascii.trimWsp(line.text().substring(colon + 1));
            switch (key) {
                case "version" -> version = first(line, key, version, value);
                case "mode" -> mode = first(line, key, mode, value);
                case "max_age" -> maxAge = first(line, key, maxAge, value);
                case "mx" -> addMx(line, value);
                default -> {
                    // An extension (RFC 8461 section 3.2: unknown fields are ignored).
                }
            }
        }

        private String first(PolicyText.Line line, String key, String earlier, String value) {
            if (earlier == null) {
                return value;
            }
            warnings.add("line " + line.number() + ": a second " + key + " ignored; the first one counts");
            return earlier;
        }

        private void addMx(PolicyText.Line line, String value) {
            try {
                mx.add(StsMxPattern.of(value));
            } catch (InvalidNameException e) {
                droppedMx++;
                warnings.add("line " + line.number() + ": " + Excerpt.sentence(e.getMessage()) + "; dropped");
            }
        }

        StsPolicyResult result() {
            if (version == null) {
                return invalid(StsPolicyProblem.BAD_VERSION, "the policy has no version line");
            }
            if (!version.equalsIgnoreCase("STSv1")) {
                return invalid(StsPolicyProblem.BAD_VERSION, "version " + Excerpt.of(version) + " is not STSv1");
            }
            if (mode == null) {
                return invalid(StsPolicyProblem.BAD_MODE, "the policy has no mode line");
            }
            StsMode parsedMode = StsMode.fromValue(mode);
            if (parsedMode == null) {
                return invalid(StsPolicyProblem.BAD_MODE, "mode " + Excerpt.of(mode)
                        + " is not enforce, testing or none");
            }
            if (maxAge == null) {
                return invalid(StsPolicyProblem.BAD_MAX_AGE, "the policy has no max_age line");
            }
            String ageProblem = maxAgeProblem(maxAge);
            if (ageProblem != null) {
                return invalid(StsPolicyProblem.BAD_MAX_AGE, "max_age " + Excerpt.of(maxAge) + " " + ageProblem);
            }
            if (parsedMode != StsMode.NONE && mx.isEmpty()) {
                return invalid(StsPolicyProblem.NO_VALID_MX, "mode " + parsedMode.wireName()
                        + " needs at least one valid mx, and the policy has "
                        + (droppedMx == 0 ? "none" : "only invalid ones (" + droppedMx + " dropped)"));
            }
            return new StsPolicyResult.Valid(new StsPolicy(parsedMode, Duration.ofSeconds(Long.parseLong(maxAge)),
                    List.copyOf(mx), lines, warnings.list()));
        }

        /** Why {@code value} is not a valid max_age, or null when it is. */
        private static String maxAgeProblem(String value) {
            if (value.isEmpty()) {
                return "is empty";
            }
            for (int i = 0; i < value.length(); i++) {
                if (!Ascii.isDigit(value.charAt(i))) {
                    return "is not a number of seconds (digits only)";
                }
            }
            if (value.length() > MAX_AGE_MAX_DIGITS) {
                return "has more than " + MAX_AGE_MAX_DIGITS + " digits";
            }
            if (Long.parseLong(value) > StsPolicy.MAX_MAX_AGE.getSeconds()) {
                return "is more than " + StsPolicy.MAX_MAX_AGE.getSeconds() + " seconds";
            }
            return null;
        }
    }
}
