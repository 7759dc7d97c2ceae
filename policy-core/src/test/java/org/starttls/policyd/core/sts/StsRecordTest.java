package org.starttls.policyd.core.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StsRecordTest {
    private static final String ID_32 = "abcdefghijklmnopqrstuvwxyz012345";
    private static final String NAME_32 = "e" + "x".repeat(31);

    static Stream<Arguments> usableRecords() {
        return Stream.of(
                // RFC 8461 section 3.1's example.
                Arguments.of(List.of("v=STSv1; id=20160831085700Z;"), "20160831085700Z"),
                Arguments.of(List.of("v=STSv1; id=20160831085700Z"), "20160831085700Z"),
                Arguments.of(List.of("v=STSv1;id=abc"), "abc"),
                Arguments.of(List.of("v=STSv1 ; id=abc"), "abc"),
                Arguments.of(List.of("v=STSv1\t;\tid=abc\t;\t"), "abc"),
                Arguments.of(List.of("v=STSv1; id=abc; "), "abc"),
                // Trailing white space without the final ';': accepted (a choice, see the parser).
                Arguments.of(List.of("v=STSv1; id=abc "), "abc"),
                Arguments.of(List.of("v=STSv1; id=" + ID_32), ID_32),
                Arguments.of(List.of("v=STSv1; id=ABC123"), "ABC123"),
                // Extensions are ignored when they are well formed, before or after the id.
                Arguments.of(List.of("v=STSv1; id=abc; ext=value"), "abc"),
                Arguments.of(List.of("v=STSv1; ext_1.a-b=!\"#:/<>~; id=abc"), "abc"),
                Arguments.of(List.of("v=STSv1; " + NAME_32 + "=1; id=abc"), "abc"),
                Arguments.of(List.of("v=STSv1; 9lives=x; id=abc"), "abc"),
                // The field names are case-sensitive: "ID" is an extension, not the id.
                Arguments.of(List.of("v=STSv1; ID=other; id=abc"), "abc"),
                // A second id is ignored: the first one counts.
                Arguments.of(List.of("v=STSv1; id=first; id=second"), "first"),
                // Records that do not begin with the version are discarded before counting.
                Arguments.of(List.of("v=spf1 -all", "v=STSv1; id=abc"), "abc"),
                Arguments.of(List.of("v=STSv1; id=abc", "google-site-verification=xyz"), "abc"),
                Arguments.of(List.of("v=STSv10; id=new", "v=STSv1; id=abc"), "abc"),
                Arguments.of(List.of("v=STSv2; id=new", "v=STSv1; id=abc"), "abc"),
                Arguments.of(List.of(" v=STSv1; id=lead", "v=STSv1; id=abc"), "abc"),
                Arguments.of(List.of("V=STSv1; id=upper", "v=stsv1; id=lower", "v=STSv1; id=abc"), "abc"),
                Arguments.of(List.of("id=abc; v=STSv1", "v=STSv1; id=abc"), "abc"));
    }

    @ParameterizedTest
    @MethodSource("usableRecords")
    void findsTheOneValidRecord(List<String> txt, String id) {
        StsRecordResult result = StsRecord.select(txt);
        assertTrue(result.found(), () -> result.toString());
        assertEquals(new StsRecordResult.Found(new StsRecord(id)), result);
    }

    static Stream<Arguments> unusableRecords() {
        return Stream.of(
                Arguments.of(List.of(), StsRecordRefusal.NO_RECORD),
                Arguments.of(List.of("v=spf1 -all"), StsRecordRefusal.NO_RECORD),
                Arguments.of(List.of("v=STSv10; id=abc"), StsRecordRefusal.NO_RECORD),
                Arguments.of(List.of(""), StsRecordRefusal.NO_RECORD),
                Arguments.of(List.of("v=STSv1; id=a", "v=STSv1; id=b"), StsRecordRefusal.SEVERAL_RECORDS),
                Arguments.of(List.of("v=STSv1; id=a", "v=STSv1; id=a"), StsRecordRefusal.SEVERAL_RECORDS),
                // An invalid record still counts: it does not leave the other one alone.
                Arguments.of(List.of("v=STSv1; id=a", "v=STSv1"), StsRecordRefusal.SEVERAL_RECORDS),
                Arguments.of(List.of("v=STSv1; id=a", "v=STSv1;; junk"), StsRecordRefusal.SEVERAL_RECORDS),
                Arguments.of(List.of("v=STSv1"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1;"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; ext=1"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; ID=abc"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; id="), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; id=" + ID_32 + "6"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; id=abc-def"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; id=abc_def"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; id=abc def"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; id=äbc"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1; id=abc=def"), StsRecordRefusal.BAD_ID),
                // A bad id is refused even when a good one comes later.
                Arguments.of(List.of("v=STSv1; id=a-b; id=abc"), StsRecordRefusal.BAD_ID),
                Arguments.of(List.of("v=STSv1 id=abc"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1\tid=abc"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1;; id=abc"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc;;"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; ; id=abc"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; ext"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; ext="), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; ext=a=b"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; ext=a b"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; ext=é"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; ext=a\u007f"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; _ext=a"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; -ext=a"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; e!t=a"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; " + NAME_32 + "x=1"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id=abc; =x"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1; id = abc"), StsRecordRefusal.BAD_SYNTAX),
                Arguments.of(List.of("v=STSv1;\u00a0id=abc"), StsRecordRefusal.BAD_SYNTAX));
    }

    @ParameterizedTest
    @MethodSource("unusableRecords")
    void refusesWithTheReason(List<String> txt, StsRecordRefusal reason) {
        StsRecordResult result = StsRecord.select(txt);
        assertFalse(result.found());
        assertEquals(reason, ((StsRecordResult.Refused) result).reason(), () -> result.toString());
    }

    @Test
    void theDetailSaysHowManyRecordsThereWere() {
        assertEquals("3 TXT records begin with v=STSv1; RFC 8461 requires exactly one",
                detail(List.of("v=STSv1; id=a", "v=STSv1; id=b", "v=STSv1; id=c")));
        assertEquals("no TXT record", detail(List.of()));
        assertEquals("no TXT record begins with v=STSv1 (2 other records)", detail(List.of("a", "b")));
        assertEquals("record \"v=STSv1; id=a-b\": id \"a-b\" is not 1 to 32 letters and digits",
                detail(List.of("v=STSv1; id=a-b")));
        assertEquals("record \"v=STSv1\" has no id", detail(List.of("v=STSv1")));
    }

    @Test
    void theDetailCannotForgeALogLine() {
        String detail = detail(List.of("v=STSv1; id=abc; ext=\nFAKE log line " + "x".repeat(500)));
        assertTrue(detail.contains("\\u000a"), detail);
        assertFalse(detail.contains("\n"), detail);
        assertTrue(detail.length() < 300, detail);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a-b", "abcdefghijklmnopqrstuvwxyz0123456", "ä"})
    void aRecordValueRefusesAnInvalidId(String id) {
        assertThrows(IllegalArgumentException.class, () -> new StsRecord(id));
    }

    private static String detail(List<String> txt) {
        return ((StsRecordResult.Refused) StsRecord.select(txt)).detail();
    }
}
