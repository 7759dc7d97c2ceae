package org.starttls.policyd.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.starttls.policyd.core.ListRejectedException.Reason;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

class RollbackGuardTest {
    private static final Instant DAY1 = Instant.parse("2020-05-20T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2020-05-21T00:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2020-06-30T00:00:00Z");

    private static VerifiedList list(Instant signedAt, Instant timestamp) throws Exception {
        TestLists.Signed signed = TestLists.signed(TestKeys.primary(), signedAt, timestamp, EXPIRES,
                Map.of("example.com", ".mx.example.com"));
        return new ListVerifier(TestKeys.primary().keyring()).verify(signed.list(), signed.signature(), "candidate");
    }

    @Test
    void newerOrSameListIsAccepted() throws Exception {
        VerifiedList installed = list(DAY1, DAY1);
        assertDoesNotThrow(() -> RollbackGuard.check(list(DAY2, DAY2), installed));
        assertDoesNotThrow(() -> RollbackGuard.check(list(DAY1, DAY1), installed));
        assertDoesNotThrow(() -> RollbackGuard.check(installed, null));
    }

    @Test
    void olderSignatureIsARollback() throws Exception {
        VerifiedList installed = list(DAY2, DAY1);
        ListRejectedException e = assertThrows(ListRejectedException.class,
                () -> RollbackGuard.check(list(DAY1, DAY1), installed));
        assertEquals(Reason.ROLLBACK, e.reason());
        assertTrue(e.getMessage().contains("rollback refused: signed at"), e.getMessage());
    }

    @Test
    void olderTimestampIsARollbackEvenWhenFreshlySigned() throws Exception {
        VerifiedList installed = list(DAY1, DAY2);
        ListRejectedException e = assertThrows(ListRejectedException.class,
                () -> RollbackGuard.check(list(DAY2, DAY1), installed));
        assertTrue(e.getMessage().contains("rollback refused: timestamp"), e.getMessage());
    }

    @Test
    void theEmbeddedDefaultIsNotAFloor() throws Exception {
        // The embedded list is from 2020; an operator's own list signed earlier must still install.
        VerifiedList older = list(Instant.parse("2019-06-01T00:00:00Z"), Instant.parse("2019-06-01T00:00:00Z"));
        assertDoesNotThrow(() -> RollbackGuard.check(older, EmbeddedDefault.load()));
    }
}
