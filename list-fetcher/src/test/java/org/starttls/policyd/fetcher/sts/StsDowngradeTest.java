package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.core.sts.StsPolicyParser;
import org.starttls.policyd.core.sts.StsPolicyResult;

class StsDowngradeTest {
    static StsPolicy policy(String mode, long maxAge, String mx) {
        String[] patterns = mx.isEmpty() ? new String[0] : mx.split(" ");
        String text = ScriptedPolicies.policyText(mode, maxAge, patterns);
        return ((StsPolicyResult.Valid) new StsPolicyParser().parse(text.getBytes(StandardCharsets.UTF_8))).policy();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // old mode mx                          | new mode mx                              | how
        "enforce mx.example.com                 | enforce mx.example.com                   | -",
        "enforce mx.example.com                 | testing mx.example.com                   | mode enforce -> testing",
        "enforce mx.example.com                 | none                                     | mode enforce -> none",
        "testing mx.example.com                 | none                                     | mode testing -> none",
        "testing mx.example.com                 | enforce mx.example.com                   | -",
        "none                                   | enforce mx.example.com                   | -",
        "none                                   | none                                     | -",
        "enforce mx.example.com                 | enforce mx.example.com evil.example      | mx not covered by the cached policy: evil.example",
        "enforce *.example.com                  | enforce mx1.example.com                  | -",
        "enforce *.example.com                  | enforce a.b.example.com                  | mx not covered by the cached policy: a.b.example.com",
        "enforce mx1.example.com                | enforce *.example.com                    | mx not covered by the cached policy: *.example.com",
        "enforce *.example.com                  | enforce *.mail.example.com               | mx not covered by the cached policy: *.mail.example.com",
        "enforce a.example.com b.example.com    | enforce b.example.com                    | -",
    })
    void weakerMeansALowerModeOrMxThatTheOldPatternsDoNotCover(String before, String after, String how) {
        assertEquals(how, StsDowngrade.describe(parse(before), parse(after)));
    }

    static StsPolicy parse(String modeAndMx) {
        String[] words = modeAndMx.strip().split(" ", 2);
        return policy(words[0], 86400, words.length > 1 ? words[1] : "");
    }

    @ParameterizedTest
    @CsvSource({"604800, 86400", "86400, 0"})
    void aShorterMaxAgeAloneIsNoDowngrade(long before, long after) {
        assertEquals(null, StsDowngrade.describe(policy("enforce", before, "mx.example.com"),
                policy("enforce", after, "mx.example.com")));
    }
}
