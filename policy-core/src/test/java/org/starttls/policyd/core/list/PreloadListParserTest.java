package org.starttls.policyd.core.list;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls.policyd.core.testing.EffFixture;

class PreloadListParserTest {

    private static PreloadList parse(String json) throws ListFormatException {
        return PreloadListParser.parse(json.getBytes(UTF_8));
    }

    private static String rejection(String json) {
        return assertThrows(ListFormatException.class, () -> parse(json)).getMessage();
    }

    /** A minimal valid list with the given policies object body and extra top-level members. */
    private static String list(String policies, String extraTopLevel) {
        return "{\"version\":\"0.1\",\"timestamp\":\"2020-05-20T10:25:12-07:00\","
                + "\"expires\":\"2020-06-03T10:25:12-07:00\",\"policy-aliases\":{\"a\":{\"mode\":\"enforce\","
                + "\"mxs\":[\".a.example\"]}}" + extraTopLevel + ",\"policies\":{" + policies + "}}";
    }

    private static String list(String policies) {
        return list(policies, "");
    }

    @Test
    void realEffListParsesWithTheCountsItsReadmeStates() throws Exception {
        PreloadList list = PreloadListParser.parse(EffFixture.listBytes());

        assertEquals(EffFixture.DOMAINS, list.size());
        assertEquals(EffFixture.ENFORCE, list.count(PolicyMode.ENFORCE));
        assertEquals(EffFixture.TESTING_OWN + EffFixture.VIA_ALIAS, list.count(PolicyMode.TESTING));
        assertEquals(EffFixture.VIA_ALIAS, list.countViaAlias());
        assertEquals(4, list.aliases().size());
        assertEquals(Instant.parse("2020-05-20T17:25:12.710034Z"), list.timestamp());
        assertEquals(Instant.parse("2020-06-03T17:25:12.710055Z"), list.expires());
        assertEquals("Electronic Frontier Foundation https://eff.org", list.author());
    }

    @Test
    void expiryByAClocksMillisNeverComesBeforeTheInstant() throws Exception {
        PreloadList list = PreloadListParser.parse(EffFixture.listBytes());
        long expiresMillis = Instant.parse("2020-06-03T17:25:12.710Z").toEpochMilli(); // expires .710055
        assertFalse(list.isExpiredAtMillis(expiresMillis - 1));
        assertFalse(list.isExpiredAtMillis(expiresMillis)); // the millisecond it falls in: not yet
        assertTrue(list.isExpiredAtMillis(expiresMillis + 1));
        assertTrue(list.isExpiredAt(Instant.ofEpochMilli(expiresMillis + 1)));
    }

    @Test
    void realEffListResolvesAliasesAndKeepsPatterns() throws Exception {
        PreloadList list = PreloadListParser.parse(EffFixture.listBytes());

        TlsPolicy yahoo = list.lookup("yahoo.com");
        assertEquals("yahoo", yahoo.aliasName());
        assertEquals(PolicyMode.TESTING, yahoo.mode());
        assertTrue(yahoo.allowsMx("MTA7.AM0.YAHOODNS.NET"));

        TlsPolicy gmail = list.lookup("gmail.com");
        assertNull(gmail.aliasName());
        assertEquals(PolicyMode.ENFORCE, gmail.mode());

        TlsPolicy comcast = list.lookup("comcast.net");
        assertEquals(PolicyMode.ENFORCE, comcast.mode());
        assertEquals(List.of(MxPattern.of("mx1.comcast.net"), MxPattern.of("mx2.comcast.net")), comcast.mxs());
        assertNull(list.lookup("lists.eff.org"), "lookup is exact: eff.org does not cover lists.eff.org");
    }

    @Test
    void domainsThatShareAnAliasShareOnePolicyInstance() throws Exception {
        PreloadList list = PreloadListParser.parse(EffFixture.listBytes());
        assertSame(list.lookup("hotmail.com"), list.lookup("outlook.com"));
    }

    @Test
    void eachListedDomainHasASlotOfItsOwn() throws Exception {
        PreloadList list = PreloadListParser.parse(EffFixture.listBytes());
        int gmail = list.slotOf("gmail.com");
        int hotmail = list.slotOf("hotmail.com");

        assertTrue(gmail >= 0 && gmail < list.slots() && hotmail >= 0 && hotmail < list.slots());
        assertTrue(gmail != hotmail && hotmail != list.slotOf("outlook.com"), "one slot per domain, alias or not");
        assertSame(list.lookup("gmail.com"), list.policyAt(gmail));
        assertEquals(-1, list.slotOf("lists.eff.org"));
        assertTrue(list.slots() > list.size());
        int unused = IntStream.range(0, list.slots()).filter(slot -> nameAt(list, slot) == null).findFirst().orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> list.policyAt(unused));
    }

    /** The domain whose slot is {@code slot}, or null when no listed domain has it. */
    private static String nameAt(PreloadList list, int slot) {
        return list.policies().keySet().stream().filter(name -> list.slotOf(name) == slot).findFirst().orElse(null);
    }

    @Test
    void epochSecondsAreAcceptedForTimes() throws Exception {
        PreloadList list = parse("{\"version\":\"0.1\",\"timestamp\":1590000000,\"expires\":1591000000,"
                + "\"policies\":{}}");
        assertEquals(Instant.ofEpochSecond(1590000000), list.timestamp());
        assertEquals(0, list.size(), "policy-aliases is optional and an empty policies object is valid");
    }

    @Test
    void retiredFieldsOfOlderEditionsAreIgnored() throws Exception {
        PreloadList list = parse(list("\"x.example\":{\"mode\":\"enforce\",\"mxs\":[\"mx.x.example\"],"
                + "\"pin\":\"p\",\"report\":\"mailto:r@x.example\",\"tls-report\":{\"a\":1},\"mta-sts\":true,"
                + "\"min-tls-version\":\"TLSv1.2\"}", ",\"pinsets\":{\"p\":{\"static-spki-hashes\":[\"x\"]}}"));
        assertEquals(PolicyMode.ENFORCE, list.lookup("x.example").mode());
    }

    @Test
    void uppercaseTrailingDotAndIdnKeysAreNormalised() throws Exception {
        PreloadList list = parse(list("\"Upper.EXAMPLE.\":{\"mode\":\"enforce\",\"mxs\":[\"MX.Upper.Example\"]},"
                + "\"bücher.example\":{\"mode\":\"testing\",\"mxs\":[\".bücher.example\"]}"));
        assertNotNull(list.lookup("upper.example"));
        assertEquals("mx.upper.example", list.lookup("upper.example").mxs().get(0).asString());
        TlsPolicy idn = list.lookup("xn--bcher-kva.example");
        assertNotNull(idn);
        assertEquals(".xn--bcher-kva.example", idn.mxs().get(0).asString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level key | {\"version\":\"0.1\",\"timestamp\":1,\"expires\":2,\"policies\":{},\"extra\":1} "
                + "| \"extra\": unknown key",
        "unknown policy key | {\"version\":\"0.1\",\"timestamp\":1,\"expires\":2,\"policies\":{\"foo.com\":"
                + "{\"mode\":\"enforce\",\"mxs\":[\"mx.foo.com\"],\"modes\":1}}} | policies.\"foo.com\".\"modes\": unknown key",
        "wrong version | {\"version\":\"0.2\",\"timestamp\":1,\"expires\":2,\"policies\":{}} "
                + "| version: \"0.2\" is not supported",
        "missing version | {\"timestamp\":1,\"expires\":2,\"policies\":{}} | version: missing",
        "missing expires | {\"version\":\"0.1\",\"timestamp\":1,\"policies\":{}} | expires: missing",
        "missing policies | {\"version\":\"0.1\",\"timestamp\":1,\"expires\":2} | policies: missing",
        "timestamp without offset | {\"version\":\"0.1\",\"timestamp\":\"2020-05-20T10:25:12\",\"expires\":2,"
                + "\"policies\":{}} | timestamp: \"2020-05-20T10:25:12\" is not an RFC 3339 date-time",
        "negative epoch | {\"version\":\"0.1\",\"timestamp\":-5,\"expires\":2,\"policies\":{}} "
                + "| timestamp: -5 is negative",
        "expires before timestamp | {\"version\":\"0.1\",\"timestamp\":5,\"expires\":2,\"policies\":{}} "
                + "| expires: 1970-01-01T00:00:02Z is not after the timestamp",
        "not an object | [1,2] | $: the list must be a JSON object",
        "malformed json | {\"version\":\"0.1\", | not valid JSON",
        "trailing content | {\"version\":\"0.1\",\"timestamp\":1,\"expires\":2,\"policies\":{}} {} "
                + "| $: unexpected content after the top-level object",
        "duplicate key | {\"version\":\"0.1\",\"version\":\"0.1\",\"timestamp\":1,\"expires\":2,\"policies\":{}} "
                + "| \"version\": given twice",
    })
    void malformedDocumentsAreRefusedWithThePlace(String name, String json, String expected) {
        String message = rejection(json);
        assertTrue(message.startsWith(expected), () -> "got: " + message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing alias | \"foo.com\":{\"policy-alias\":\"nope\"} "
                + "| policies.\"foo.com\".policy-alias: \"nope\" is not defined in policy-aliases",
        "bad mode | \"foo.com\":{\"mode\":\"strict\",\"mxs\":[\"mx.foo.com\"]} "
                + "| policies.\"foo.com\".mode: \"strict\" is not \"enforce\" or \"testing\"",
        "missing mode | \"foo.com\":{\"mxs\":[\"mx.foo.com\"]} | policies.\"foo.com\".mode: missing",
        "missing mxs | \"foo.com\":{\"mode\":\"enforce\"} | policies.\"foo.com\".mxs: missing",
        "empty mxs | \"foo.com\":{\"mode\":\"enforce\",\"mxs\":[]} | policies.\"foo.com\".mxs: must hold at least one",
        "mxs not array | \"foo.com\":{\"mode\":\"enforce\",\"mxs\":\"mx.foo.com\"} "
                + "| policies.\"foo.com\".mxs: must be an array",
        "bad mx pattern | \"foo.com\":{\"mode\":\"enforce\",\"mxs\":[\"a.foo.com\",\"b.foo.com\",\"bad_mx.foo.com\"]} "
                + "| policies.\"foo.com\".mxs[2]: MX pattern \"bad_mx.foo.com\" contains '_'",
        "ip address as mx | \"foo.com\":{\"mode\":\"enforce\",\"mxs\":[\"[192.0.2.1]\"]} "
                + "| policies.\"foo.com\".mxs[0]: MX pattern",
        "duplicate mx | \"foo.com\":{\"mode\":\"enforce\",\"mxs\":[\"mx.foo.com\",\"MX.foo.com\"]} "
                + "| policies.\"foo.com\".mxs[1]: \"MX.foo.com\" is listed twice",
        "mx not string | \"foo.com\":{\"mode\":\"enforce\",\"mxs\":[\"mx.foo.com\",7]} "
                + "| policies.\"foo.com\".mxs[1]: must be a string, found a number",
        "bad domain | \"foo..com\":{\"mode\":\"enforce\",\"mxs\":[\"mx.foo.com\"]} "
                + "| policies.\"foo..com\": invalid domain: \"foo..com\" has an empty label",
        "single label domain | \"localhost\":{\"mode\":\"enforce\",\"mxs\":[\"mx.foo.com\"]} "
                + "| policies.\"localhost\": invalid domain",
        "domain twice after normalising | \"foo.com\":{\"policy-alias\":\"a\"},\"FOO.com.\":{\"policy-alias\":\"a\"} "
                + "| policies.\"FOO.com.\": the same domain as an earlier entry (\"foo.com\"",
        "same domain twice | \"foo.com\":{\"policy-alias\":\"a\"},\"foo.com\":{\"mode\":\"enforce\",\"mxs\":[\"mx.foo.com\"]} "
                + "| policies.\"foo.com\": the same domain as an earlier entry",
        "field twice | \"foo.com\":{\"mode\":\"enforce\",\"mode\":\"testing\",\"mxs\":[\"mx.foo.com\"]} "
                + "| policies.\"foo.com\".mode: given twice",
        "policy not object | \"foo.com\":\"enforce\" | policies.\"foo.com\": must be an object, found a string",
    })
    void badPoliciesAreRefusedWithThePlace(String name, String policies, String expected) {
        String message = rejection(list(policies));
        assertTrue(message.startsWith(expected), () -> "got: " + message);
    }

    @Test
    void anAliasCannotPointToAnotherAlias() {
        String json = "{\"version\":\"0.1\",\"timestamp\":1,\"expires\":2,\"policy-aliases\":{"
                + "\"a\":{\"mode\":\"enforce\",\"mxs\":[\".a.example\"]},\"b\":{\"policy-alias\":\"a\"}},"
                + "\"policies\":{}}";
        assertEquals("policy-aliases.\"b\": an alias cannot point to another alias (\"a\")", rejection(json));
    }

    @Test
    void aliasReferenceIgnoresItsOtherFields() throws Exception {
        PreloadList list = parse(list("\"foo.com\":{\"policy-alias\":\"a\",\"mode\":\"testing\"}"));
        assertEquals(PolicyMode.ENFORCE, list.lookup("foo.com").mode());
        assertEquals("a", list.lookup("foo.com").aliasName());
    }

    @Test
    void aliasMayBeDefinedAfterThePoliciesThatUseIt() throws Exception {
        String json = "{\"version\":\"0.1\",\"timestamp\":1,\"expires\":2,"
                + "\"policies\":{\"foo.com\":{\"policy-alias\":\"late\"}},"
                + "\"policy-aliases\":{\"late\":{\"mode\":\"testing\",\"mxs\":[\"mx.late.example\"]}}}";
        assertEquals("late", parse(json).lookup("foo.com").aliasName());
    }
}
