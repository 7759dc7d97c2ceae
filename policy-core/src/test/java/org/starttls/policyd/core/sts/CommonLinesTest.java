package org.starttls.policyd.core.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommonLinesTest {
    private static StsPolicy parsed(String text) {
        return ((StsPolicyResult.Valid) new StsPolicyParser().parse(text.getBytes(StandardCharsets.UTF_8))).policy();
    }

    @Test
    void twoPoliciesShareTheirCommonLinesAndKeepTheirOwn() {
        StsPolicy first = parsed("version: STSv1\r\nmode: enforce\r\nmx: mx.a.example\r\nmax_age: 604800\r\n");
        StsPolicy second = parsed("version: STSv1\nmode: enforce\nmx: mx.b.example\nmax_age: 604800\n");
        assertEquals(List.of("version: STSv1", "mode: enforce", "mx: mx.a.example", "max_age: 604800"), first.lines());
        for (int i : new int[] {0, 1, 3}) {
            assertSame(first.lines().get(i), second.lines().get(i), "line " + i);
        }
        assertEquals("mx: mx.b.example", second.lines().get(2));
    }

    @Test
    void aLineWrittenDifferentlyIsKeptAsWritten() {
        StsPolicy policy = parsed("version: STSv1\nmode:  Enforce\nmx: mx.a.example\nmax_age: 604801\n");
        assertEquals(List.of("version: STSv1", "mode:  Enforce", "mx: mx.a.example", "max_age: 604801"), policy.lines());
    }
}
