package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls.policyd.server.answer.AnswerRenderer;
import org.starttls.policyd.server.answer.HeaderField;

class MilterSettingsTest {
    @Test
    void defaultsTagNothingAndNameTheHeader() {
        assertFalse(MilterSettings.DEFAULTS.headerTagging());
        assertEquals("X-STARTTLS-Policy", MilterSettings.DEFAULTS.headerName());
    }

    @Test
    void aHeaderNameOfExactlyTheLimitIsAcceptedAndOneMoreIsNot() {
        String atLimit = "X" + "-".repeat(HeaderField.MAX_NAME_CHARS - 1);
        assertEquals(atLimit, MilterSettings.DEFAULTS.withHeaderName(atLimit).headerName());
        assertThrows(IllegalArgumentException.class, () -> MilterSettings.DEFAULTS.withHeaderName(atLimit + "X"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X STARTTLS", "X-Policy:", "X-Pol\u00efcy", "X-Policy\r\nBcc: a@b", "X\tY"})
    void refusesWhatIsNotAHeaderName(String name) {
        assertThrows(IllegalArgumentException.class, () -> MilterSettings.DEFAULTS.withHeaderName(name));
    }
}
