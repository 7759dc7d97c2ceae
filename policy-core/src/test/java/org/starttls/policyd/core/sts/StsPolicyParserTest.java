package org.starttls.policyd.core.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StsPolicyParserTest {
    /** RFC 8461 section 3.2's example policy. */
    private static final String RFC_EXAMPLE = "version: STSv1\nmode: enforce\nmx: mail.example.com\n"
            + "mx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800";
    private static final List<String> RFC_EXAMPLE_MX = List.of("mail.example.com", "*.example.net",
            "backupmx.example.com");
    private static final String HEAD = "version: STSv1\nmode: enforce\nmax_age: 86400\n";

    private final StsPolicyParser parser = new StsPolicyParser();

    @Test
    void readsTheRfcExample() {
        StsPolicy policy = valid(RFC_EXAMPLE);
        assertEquals(StsMode.ENFORCE, policy.mode());
        assertEquals(Duration.ofSeconds(604800), policy.maxAge());
        assertEquals(RFC_EXAMPLE_MX, stsForms(policy));
        assertEquals(List.of("mail.example.com", ".example.net", "backupmx.example.com"),
                policy.mx().stream().map(StsMxPattern::toPostfixMatch).collect(Collectors.toList()));
        assertEquals(Arrays.asList(RFC_EXAMPLE.split("\n")), policy.lines());
        assertEquals(List.of(), policy.warnings());
        assertTrue(policy.coversMx("mx1.example.net"));
        assertFalse(policy.coversMx("a.b.example.net"));
        assertFalse(policy.coversMx("example.net"));
        assertTrue(policy.coversMx("MAIL.example.com."));
    }

    static Stream<String> rfcExampleWithEveryLineEnding() {
        return Stream.of(
                RFC_EXAMPLE,
                RFC_EXAMPLE + "\n",
                RFC_EXAMPLE.replace("\n", "\r\n"),
                RFC_EXAMPLE.replace("\n", "\r\n") + "\r\n",
                // CRLF and LF mixed in one file.
                "version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmx: *.example.net\n"
                        + "mx: backupmx.example.com\r\nmax_age: 604800\n",
                // Blank and white-space-only lines anywhere.
                "\n\r\nversion: STSv1\n\nmode: enforce\n \t \nmx: mail.example.com\nmx: *.example.net\n"
                        + "mx: backupmx.example.com\nmax_age: 604800\n\n\n",
                // The lines in another order: only the mx order matters.
                "max_age: 604800\nmx: mail.example.com\nmode: enforce\nmx: *.example.net\n"
                        + "mx: backupmx.example.com\nversion: STSv1",
                // White space around keys and values, spaces and tabs.
                "version :STSv1\nmode:\tenforce \t\n  mx :  mail.example.com\nmx:*.example.net\n"
                        + "\tmx: backupmx.example.com\nmax_age:   604800  ",
                // Keys, version and mode in any case.
                "Version: stsv1\nMODE: Enforce\nMx: MAIL.example.com\nmx: *.EXAMPLE.NET\n"
                        + "mx: BackupMX.Example.Com.\nMax_Age: 604800",
                // Unknown keys are ignored whatever they hold.
                "version: STSv1\nx-comment: managed by a tool: do not edit\nmode: enforce\nmx: mail.example.com\n"
                        + "mx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\nfoo:\nrenew: yes");
    }

    @ParameterizedTest
    @MethodSource("rfcExampleWithEveryLineEnding")
    void readsThePolicyWhateverItsLayout(String body) {
        StsPolicy policy = valid(body);
        assertEquals(StsMode.ENFORCE, policy.mode());
        assertEquals(Duration.ofSeconds(604800), policy.maxAge());
        assertEquals(RFC_EXAMPLE_MX, stsForms(policy));
        assertEquals(List.of(), policy.warnings());
    }

    @Test
    void keepsTheNonEmptyLinesAsServed() {
        StsPolicy policy = valid("version: STSv1\r\n\r\nmode :  Enforce  \nmx: [192.0.2.1]\nmx: MX.example.com\n"
                + "max_age: 86400\r\nx: y");
        assertEquals(List.of("version: STSv1", "mode :  Enforce  ", "mx: [192.0.2.1]", "mx: MX.example.com",
                "max_age: 86400", "x: y"), policy.lines());
    }

    static Stream<Arguments> validVariants() {
        return Stream.of(
                Arguments.of(HEAD + "mx: mx.example.com", StsMode.ENFORCE, 86400, "mx.example.com"),
                Arguments.of("version: STSv1\nmode: testing\nmax_age: 86400\nmx: mx.example.com",
                        StsMode.TESTING, 86400, "mx.example.com"),
                Arguments.of("version: STSv1\nmode: TESTING\nmax_age: 86400\nmx: mx.example.com",
                        StsMode.TESTING, 86400, "mx.example.com"),
                // Mode none needs no mx; one it has is kept, harmlessly.
                Arguments.of("version: STSv1\nmode: none\nmax_age: 86400", StsMode.NONE, 86400, ""),
                Arguments.of("version: STSv1\nmode: None\nmax_age: 0\nmx: mx.example.com", StsMode.NONE, 0,
                        "mx.example.com"),
                // max_age boundaries: 0 and 31557600, 10 digits with leading zeros.
                Arguments.of(age("0"), StsMode.ENFORCE, 0, "mx.example.com"),
                Arguments.of(age("31557600"), StsMode.ENFORCE, 31557600, "mx.example.com"),
                Arguments.of(age("0031557600"), StsMode.ENFORCE, 31557600, "mx.example.com"),
                Arguments.of(age("0000000000"), StsMode.ENFORCE, 0, "mx.example.com"),
                Arguments.of(age("0000000001"), StsMode.ENFORCE, 1, "mx.example.com"),
                // The first occurrence wins for every key but mx.
                Arguments.of("version: STSv1\nmode: testing\nmode: enforce\nmax_age: 86400\nmx: mx.example.com",
                        StsMode.TESTING, 86400, "mx.example.com"),
                Arguments.of(HEAD + "max_age: 1\nmx: mx.example.com", StsMode.ENFORCE, 86400, "mx.example.com"),
                Arguments.of(HEAD + "version: STSv2\nmx: mx.example.com", StsMode.ENFORCE, 86400, "mx.example.com"),
                // mx accumulates, in order, each pattern once.
                Arguments.of(HEAD + "mx: b.example.com\nmx: a.example.com\nmx: B.EXAMPLE.COM.\nmx: *.example.com",
                        StsMode.ENFORCE, 86400, "b.example.com|a.example.com|*.example.com"),
                // Invalid mx lines are dropped when a valid one is left.
                Arguments.of(HEAD + "mx: [192.0.2.1]\nmx: 192.0.2.1\nmx: 2001:db8::1\nmx: *.\nmx: *.*.example.com\n"
                        + "mx: *example.com\nmx:\nmx: mx.example.com", StsMode.ENFORCE, 86400, "mx.example.com"),
                // U-labels become A-labels.
                Arguments.of(HEAD + "mx: mx.bücher.example\nmx: *.BÜCHER.example", StsMode.ENFORCE, 86400,
                        "mx.xn--bcher-kva.example|*.xn--bcher-kva.example"));
    }

    @ParameterizedTest
    @MethodSource("validVariants")
    void readsEachRule(String body, StsMode mode, long maxAgeSeconds, String mx) {
        StsPolicy policy = valid(body);
        assertEquals(mode, policy.mode());
        assertEquals(Duration.ofSeconds(maxAgeSeconds), policy.maxAge());
        assertEquals(mx.isEmpty() ? List.of() : List.of(mx.split("\\|")), stsForms(policy));
    }

    static Stream<Arguments> invalidPolicies() {
        return Stream.of(
                Arguments.of("", StsPolicyProblem.BAD_VERSION),
                Arguments.of("\n\n", StsPolicyProblem.BAD_VERSION),
                Arguments.of("mode: enforce\nmax_age: 86400\nmx: mx.example.com", StsPolicyProblem.BAD_VERSION),
                Arguments.of("version: STSv2\nmode: enforce\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_VERSION),
                Arguments.of("version: STSv1 extra\nmode: enforce\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_VERSION),
                Arguments.of("version:\nmode: enforce\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_VERSION),
                // The first occurrence wins even when it is the bad one.
                Arguments.of("version: STSv2\nversion: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_VERSION),
                // A version key with a typo is an unknown key: the version is missing.
                Arguments.of("versoin: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_VERSION),
                Arguments.of("<html><body>Not found</body></html>", StsPolicyProblem.BAD_VERSION),
                Arguments.of("version: STSv1\nmax_age: 86400\nmx: mx.example.com", StsPolicyProblem.BAD_MODE),
                Arguments.of("version: STSv1\nmode: enforcing\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_MODE),
                Arguments.of("version: STSv1\nmode:\nmax_age: 86400\nmx: mx.example.com", StsPolicyProblem.BAD_MODE),
                Arguments.of("version: STSv1\nmode: enforce testing\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_MODE),
                Arguments.of("version: STSv1\nmode: bogus\nmode: enforce\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_MODE),
                // A lone CR ends no line: it stays in the value, which no mode accepts.
                Arguments.of("version: STSv1\nmode: enforce\rmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_MODE),
                Arguments.of("version: STSv1\nmode: enforce\nmx: mx.example.com", StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age(""), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("31557601"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("9999999999"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("00031557600"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("00000000000"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("99999999999999999999999"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("-1"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("+86400"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("86400.0"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("86 400"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("1d"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("0x10"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(age("\u0663\u0660"), StsPolicyProblem.BAD_MAX_AGE), // Arabic-Indic digits
                Arguments.of(age("86400\r"), StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of("version: STSv1\nmode: enforce\nmax_age: x\nmax_age: 86400\nmx: mx.example.com",
                        StsPolicyProblem.BAD_MAX_AGE),
                Arguments.of(HEAD, StsPolicyProblem.NO_VALID_MX),
                Arguments.of("version: STSv1\nmode: testing\nmax_age: 86400", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx: [192.0.2.1]", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx: 192.0.2.1", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx: 2001:db8::1\nmx: [2001:db8::1]", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx: *.", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx: *.*.example.com", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx: *example.com", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx:\nmx:   ", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx mx.example.com", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mxs: mx.example.com", StsPolicyProblem.NO_VALID_MX),
                Arguments.of(HEAD + "mx: mx.example.com mx2.example.com", StsPolicyProblem.NO_VALID_MX));
    }

    @ParameterizedTest
    @MethodSource("invalidPolicies")
    void refusesWithTheReason(String body, StsPolicyProblem problem) {
        assertEquals(problem, invalid(body).reason());
    }

    @Test
    void theDetailNamesWhatIsWrong() {
        assertEquals("the policy has no version line", invalid("mode: enforce").detail());
        assertEquals("version \"STSv2\" is not STSv1", invalid("version: STSv2").detail());
        assertEquals("mode \"enforcing\" is not enforce, testing or none",
                invalid("version: STSv1\nmode: enforcing").detail());
        assertEquals("the policy has no max_age line", invalid("version: STSv1\nmode: enforce").detail());
        assertEquals("max_age \"31557601\" is more than 31557600 seconds", invalid(age("31557601")).detail());
        assertEquals("max_age \"00031557600\" has more than 10 digits", invalid(age("00031557600")).detail());
        assertEquals("max_age \"-1\" is not a number of seconds (digits only)", invalid(age("-1")).detail());
        assertEquals("mode enforce needs at least one valid mx, and the policy has none", invalid(HEAD).detail());
        assertEquals("mode enforce needs at least one valid mx, and the policy has only invalid ones (2 dropped)",
                invalid(HEAD + "mx: 192.0.2.1\nmx: [192.0.2.2]").detail());
    }

    @Test
    void warnsAboutWhatItDroppedOrIgnored() {
        StsPolicy policy = valid("version: STSv1\nmode: enforce\nmode: testing\nmax_age: 86400\n"
                + "mx: [192.0.2.1]\nmx: *.*.example.com\njust some text\nmx: mx.example.com\nmax_age: 5");
        assertEquals(List.of(
                "line 3: a second mode ignored; the first one counts",
                "line 5: MX pattern \"[192.0.2.1]\" is an IP address; MTA-STS names MX hosts by name; dropped",
                "line 6: MX pattern \"*.*.example.com\" is not a host name after \"*.\": \"*.example.com\" contains"
                        + " '*'; only letters, digits and '-' are allowed in a label; dropped",
                "line 7 \"just some text\" is not key: value; ignored",
                "line 9: a second max_age ignored; the first one counts"), policy.warnings());
    }

    @Test
    void warningsAreBoundedAndSafeToLog() {
        String bad = "mx: bad\u001b[31m_name.example.com\n".repeat(100);
        StsPolicy policy = valid(HEAD + bad + "mx: mx.example.com");
        assertEquals(Warnings.MAX_WARNINGS + 1, policy.warnings().size());
        assertEquals("80 more warnings not shown", policy.warnings().get(Warnings.MAX_WARNINGS));
        for (String warning : policy.warnings()) {
            assertFalse(warning.chars().anyMatch(c -> c < 0x20 || c >= 0x7f), warning);
        }
        assertTrue(policy.warnings().get(0).contains("\\u001b"), policy.warnings().get(0));
    }

    @Test
    void aByteOrderMarkIsRemovedWithAWarning() {
        StsPolicy policy = valid("\uFEFF" + RFC_EXAMPLE);
        assertEquals(RFC_EXAMPLE_MX, stsForms(policy));
        assertEquals("version: STSv1", policy.lines().get(0));
        assertEquals(List.of("a byte order mark before the first line was ignored"), policy.warnings());
        // Only at the very start: anywhere else it is part of a line.
        assertEquals(StsPolicyProblem.BAD_VERSION, invalid("\n\uFEFF" + RFC_EXAMPLE).reason());
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        byte[] latin1 = (HEAD + "mx: mx.bücher.example").getBytes(StandardCharsets.ISO_8859_1);
        StsPolicyResult.Invalid result = (StsPolicyResult.Invalid) parser.parse(latin1);
        assertEquals(StsPolicyProblem.NOT_UTF8, result.reason());
        assertEquals("the policy is not UTF-8 text", result.detail());
        // An overlong encoding of '/' and a lone surrogate are not UTF-8 either.
        assertEquals(StsPolicyProblem.NOT_UTF8,
                invalidBytes(concat(HEAD + "x: ", new byte[] {(byte) 0xC0, (byte) 0xAF})));
        assertEquals(StsPolicyProblem.NOT_UTF8,
                invalidBytes(concat(HEAD + "x: ", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})));
    }

    @Test
    void takesBodiesUpToTheLimitAndRefusesOneByteMore() {
        byte[] atLimit = padded(StsPolicyParser.DEFAULT_MAX_BYTES);
        assertEquals(65536, atLimit.length);
        assertTrue(parser.parse(atLimit).valid());
        byte[] over = padded(StsPolicyParser.DEFAULT_MAX_BYTES + 1);
        StsPolicyResult.Invalid result = (StsPolicyResult.Invalid) parser.parse(over);
        assertEquals(StsPolicyProblem.TOO_LARGE, result.reason());
        assertEquals("the policy is 65537 bytes, more than the limit of 65536 bytes", result.detail());
        assertFalse(result.reason().isSyntax());
    }

    @Test
    void aSmallerLimitIsHonoured() {
        StsPolicyParser small = new StsPolicyParser(200);
        assertEquals(200, small.maxBytes());
        assertTrue(small.parse(padded(200)).valid());
        assertEquals(StsPolicyProblem.TOO_LARGE, ((StsPolicyResult.Invalid) small.parse(padded(201))).reason());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void aLimitMustBePositive(int limit) {
        assertThrows(IllegalArgumentException.class, () -> new StsPolicyParser(limit));
    }

    @Test
    void aPolicyValueKeepsItsRules() {
        List<StsMxPattern> mx = List.of(StsMxPattern.of("mx.example.com"));
        assertThrows(IllegalArgumentException.class,
                () -> new StsPolicy(StsMode.ENFORCE, Duration.ofDays(1), List.of(), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new StsPolicy(StsMode.TESTING, Duration.ofDays(1), List.of(), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new StsPolicy(StsMode.ENFORCE, StsPolicy.MAX_MAX_AGE.plusSeconds(1), mx, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new StsPolicy(StsMode.ENFORCE, Duration.ofSeconds(-1), mx, List.of(), List.of()));
        assertEquals(List.of(),
                new StsPolicy(StsMode.NONE, Duration.ZERO, List.of(), List.of(), List.of()).mx());
    }

    @Test
    void problemLabelsAreStableNames() {
        assertEquals(List.of("size", "encoding", "version", "mode", "max-age", "mx"),
                Stream.of(StsPolicyProblem.values()).map(StsPolicyProblem::label).collect(Collectors.toList()));
        assertEquals(List.of("no-record", "several-records", "syntax", "id"),
                Stream.of(StsRecordRefusal.values()).map(StsRecordRefusal::label).collect(Collectors.toList()));
    }

    /** A valid policy of exactly {@code size} bytes: the RFC example padded by an extension line. */
    private static byte[] padded(int size) {
        String head = RFC_EXAMPLE + "\nx-pad: ";
        int pad = size - head.getBytes(StandardCharsets.UTF_8).length;
        byte[] body = (head + "p".repeat(pad)).getBytes(StandardCharsets.UTF_8);
        assertEquals(size, body.length);
        return body;
    }

    private static String age(String value) {
        return "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: " + value;
    }

    private static byte[] concat(String head, byte[] tail) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(h, h.length + tail.length);
        System.arraycopy(tail, 0, all, h.length, tail.length);
        return all;
    }

    private static List<String> stsForms(StsPolicy policy) {
        return policy.mx().stream().map(StsMxPattern::toStsForm).collect(Collectors.toList());
    }

    private StsPolicy valid(String body) {
        StsPolicyResult result = parser.parse(body.getBytes(StandardCharsets.UTF_8));
        assertTrue(result.valid(), () -> result.toString());
        return ((StsPolicyResult.Valid) result).policy();
    }

    private StsPolicyResult.Invalid invalid(String body) {
        StsPolicyResult result = parser.parse(body.getBytes(StandardCharsets.UTF_8));
        assertFalse(result.valid(), () -> result.toString());
        return (StsPolicyResult.Invalid) result;
    }

    private StsPolicyProblem invalidBytes(byte[] body) {
        StsPolicyResult result = parser.parse(body);
        assertFalse(result.valid(), () -> result.toString());
        return ((StsPolicyResult.Invalid) result).reason();
    }
}
