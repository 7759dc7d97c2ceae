package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8460 section 3's record grammar, as reporters read it. */
class TlsRptRecordTest {
    @Test
    void theRecordStsPublishPrintsIsValid() {
        TlsRptRecord.Valid valid = assertInstanceOf(TlsRptRecord.Valid.class,
                TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:tlsrpt@example.org")));
        assertEquals(List.of("mailto:tlsrpt@example.org"), valid.rua());
    }

    @Test
    void severalUrisAnExtensionAndATrailingDelimiter() {
        TlsRptRecord.Valid valid = assertInstanceOf(TlsRptRecord.Valid.class, TlsRptRecord.select(List.of(
                "v=TLSRPTv1;rua=mailto:a@example.org , https://reports.example.org/v1 ; x-ext=1;")));
        assertEquals(List.of("mailto:a@example.org", "https://reports.example.org/v1"), valid.rua());
    }

    @Test
    void otherRecordsAreDiscardedBeforeCounting() {
        assertInstanceOf(TlsRptRecord.Valid.class, TlsRptRecord.select(List.of("v=spf1 -all",
                "v=TLSRPTv10; rua=mailto:a@example.org", "v=TLSRPTv1; rua=mailto:a@example.org")));
        assertEquals(new TlsRptRecord.Absent(1), TlsRptRecord.select(List.of("v=spf1 -all")));
        assertEquals(new TlsRptRecord.Absent(0), TlsRptRecord.select(List.of()));
    }

    @Test
    void twoRecordsAreNone() {
        assertEquals(new TlsRptRecord.Several(2), TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:a@example.org",
                "v=TLSRPTv1; rua=mailto:b@example.org")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=TLSRPTv1", "v=TLSRPTv1;", "v=TLSRPTv1 rua=mailto:a@example.org",
        "v=TLSRPTv1; rua=", "v=TLSRPTv1; rua=mailto:", "v=TLSRPTv1; rua=mailto:@example.org",
        "v=TLSRPTv1; rua=https:reports", "v=TLSRPTv1; rua=ftp://example.org/", "v=TLSRPTv1; rua=tlsrpt@example.org",
        "v=TLSRPTv1; rua=mailto:a@example.org,", "v=TLSRPTv1;; rua=mailto:a@example.org",
        "v=TLSRPTv1; rua=mailto:a@example.org; rua=mailto:b@example.org", "v=TLSRPTv1; rua=mailto:a@example.org; x=",
        "v=TLSRPTv1; rua=mailto:a@example.org; -x=1", "v=TLSRPTv1; rua=mailto:a b@example.org"})
    void brokenRecordsSayWhy(String record) {
        TlsRptRecord.Invalid invalid = assertInstanceOf(TlsRptRecord.Invalid.class, TlsRptRecord.select(List.of(record)),
                record);
        assertTrue(!invalid.problem().isBlank(), record);
    }
}
