package org.starttls.policyd.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanDurationTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "PT0S              | 0 s",
        "PT0.0004S         | 0 s",
        "PT0.25S           | 250 ms",
        "PT45S             | 45 s",
        "PT45.999S         | 45 s",
        "PT1M              | 1 min",
        "PT3M5S            | 3 min 5 s",
        "PT1H              | 1 h",
        "PT6H25M19.953S    | 6 h 25 min",
        "PT24H             | 1 d",
        "PT51H             | 2 d 3 h",
        "PT51H59M59S       | 2 d 3 h",
        "PT8760H           | 365 d",
        "PT-45S            | -45 s",
        "PT-6H-25M-19.953S | -6 h 25 min",
    })
    void formatsTheTwoLargestUnitsTruncated(String iso, String expected) {
        assertEquals(expected, HumanDuration.format(Duration.parse(iso)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"-9223372036854775808"})
    void theOneDurationThatCannotBeNegatedStaysReadable(long seconds) {
        Duration min = Duration.ofSeconds(seconds);
        assertEquals(min.toString(), HumanDuration.format(min));
    }
}
