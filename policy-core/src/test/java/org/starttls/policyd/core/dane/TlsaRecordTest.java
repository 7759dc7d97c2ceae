package org.starttls.policyd.core.dane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TlsaRecordTest {

    @ParameterizedTest(name = "matching {0}, {1} bytes: well formed {2}")
    @CsvSource({
        "0, 0, false", "0, 1, true", "0, 32, true", "0, 300, true",
        "1, 0, false", "1, 31, false", "1, 32, true", "1, 33, false", "1, 64, false",
        "2, 0, false", "2, 32, false", "2, 63, false", "2, 64, true", "2, 65, false",
        "3, 32, false", "3, 64, false", "255, 1, false",
    })
    void dataLengthMustFitTheMatchingType(int matchingType, int length, boolean wellFormed) {
        assertEquals(wellFormed, new TlsaRecord(3, 1, matchingType, new byte[length]).isWellFormed());
    }

    @ParameterizedTest(name = "usage {0} selector {1} matching {2}")
    @CsvSource({
        // usage: only DANE-TA(2) and DANE-EE(3) are for SMTP
        "0, 1, 1, false", "1, 1, 1, false", "2, 1, 1, true", "3, 1, 1, true", "4, 1, 1, false", "255, 1, 1, false",
        // selector: full certificate (0) or SubjectPublicKeyInfo (1)
        "3, 0, 1, true", "3, 2, 1, false", "2, 0, 1, true", "2, 255, 1, false",
        // matching type: full (0), SHA2-256 (1), SHA2-512 (2)
        "3, 1, 0, true", "3, 1, 2, true", "3, 1, 3, false", "2, 0, 2, true",
    })
    void usableForSmtpOnlyWithDaneUsagesKnownSelectorsAndMatchingTypes(int usage, int selector, int matching,
            boolean usable) {
        int length = matching == 2 ? 64 : 32;
        assertEquals(usable, new TlsaRecord(usage, selector, matching, new byte[length]).isUsable());
    }

    @Test
    void everyCombinationIsUsableExactlyWhenEachRuleHolds() {
        for (int usage = 0; usage <= 5; usage++) {
            for (int selector = 0; selector <= 3; selector++) {
                for (int matching = 0; matching <= 3; matching++) {
                    for (int length : new int[] {0, 1, 32, 64}) {
                        TlsaRecord tlsa = new TlsaRecord(usage, selector, matching, new byte[length]);
                        boolean wellFormed = (matching == 0 && length > 0) || (matching == 1 && length == 32)
                                || (matching == 2 && length == 64);
                        boolean usable = (usage == 2 || usage == 3) && (selector == 0 || selector == 1) && wellFormed;
                        assertEquals(wellFormed, tlsa.isWellFormed(), tlsa.toString());
                        assertEquals(usable, tlsa.isUsable(), tlsa.toString());
                    }
                }
            }
        }
    }

    @Test
    void malformedSha256IsNotUsableEvenWithAGoodUsage() {
        assertEquals(false, TlsaRecord.ofHex(3, 1, 1, "00112233").isUsable());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 256, 1000})
    void fieldsOutsideAnOctetAreRefused(int value) {
        assertThrows(IllegalArgumentException.class, () -> new TlsaRecord(value, 1, 1, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new TlsaRecord(3, value, 1, new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new TlsaRecord(3, 1, value, new byte[32]));
    }

    @Test
    void dataIsCopiedInAndOut() {
        byte[] data = new byte[32];
        TlsaRecord tlsa = new TlsaRecord(3, 1, 1, data);
        data[0] = 1;
        assertEquals(0, tlsa.data()[0]);
        tlsa.data()[1] = 1;
        assertArrayEquals(new byte[32], tlsa.data());
    }

    @Test
    void valueEqualityAndPresentationForm() {
        String hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        TlsaRecord tlsa = TlsaRecord.ofHex(3, 1, 1, hex.toUpperCase());
        assertEquals(TlsaRecord.ofHex(3, 1, 1, hex), tlsa);
        assertEquals(TlsaRecord.ofHex(3, 1, 1, hex).hashCode(), tlsa.hashCode());
        assertNotEquals(TlsaRecord.ofHex(2, 1, 1, hex), tlsa);
        assertEquals("3 1 1 " + hex, tlsa.toString());
    }
}
