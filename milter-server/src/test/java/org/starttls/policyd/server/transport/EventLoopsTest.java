package org.starttls.policyd.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How many I/O threads the doors get. */
class EventLoopsTest {
    private final String savedProperty = System.getProperty(EventLoops.THREADS_PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(EventLoops.THREADS_PROPERTY);
        } else {
            System.setProperty(EventLoops.THREADS_PROPERTY, savedProperty);
        }
    }

    @Test
    void defaultIsOneIoThreadPerCoreNotNettysTwo() {
        System.clearProperty(EventLoops.THREADS_PROPERTY);
        try (EventLoops loops = EventLoops.create(0, true)) {
            assertEquals(Runtime.getRuntime().availableProcessors(), loops.workerThreads());
        }
    }

    @Test
    void nettysThreadCountPropertyStillOverridesTheDefault() {
        System.setProperty(EventLoops.THREADS_PROPERTY, "3");
        try (EventLoops loops = EventLoops.create(0, false)) {
            assertEquals(3, loops.workerThreads());
        }
    }

    @Test
    void aNonsenseThreadCountPropertyFallsBackToOnePerCore() {
        System.setProperty(EventLoops.THREADS_PROPERTY, "0");
        assertEquals(Runtime.getRuntime().availableProcessors(), EventLoops.defaultWorkerThreads());
        System.setProperty(EventLoops.THREADS_PROPERTY, "many");
        assertEquals(Runtime.getRuntime().availableProcessors(), EventLoops.defaultWorkerThreads());
    }

    @Test
    void anExplicitCountIsTakenAsItIs() {
        try (EventLoops loops = EventLoops.create(1, true)) {
            assertEquals(1, loops.workerThreads());
        }
        assertThrows(IllegalArgumentException.class, () -> EventLoops.create(-1, true));
    }
}
