package org.starttls.policyd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LeakDetectionSamplingTest {
    @Test
    void theDaemonChecksOneBufferInFourThousand() {
        Properties system = new Properties();
        LeakDetectionSampling.configure(system);
        assertEquals("4096", system.getProperty(LeakDetectionSampling.SAMPLING_INTERVAL));
    }

    @Test
    void anOperatorsJvmSettingWins() {
        Properties system = new Properties();
        system.setProperty(LeakDetectionSampling.SAMPLING_INTERVAL, "1");
        LeakDetectionSampling.configure(system);
        assertEquals("1", system.getProperty(LeakDetectionSampling.SAMPLING_INTERVAL));
    }

    @Test
    void theNameIsTheOneNettyReads() throws ReflectiveOperationException {
        // A renamed property in a Netty upgrade would silently bring back the default.
        Field property = ResourceLeakDetector.class.getDeclaredField("PROP_SAMPLING_INTERVAL");
        property.setAccessible(true);
        assertEquals(property.get(null), LeakDetectionSampling.SAMPLING_INTERVAL);
    }
}
