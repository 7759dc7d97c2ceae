package org.starttls.policyd.server.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time (user and system, as the JVM reports it per thread on Linux) used so far by the threads
 * whose names start with a prefix: a server's I/O threads, or the load client's. The difference
 * over a measured run, per request, is what a request costs that server, system calls included,
 * independent of how the two cores were shared at the moment.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    static long nanos(String namePrefix) {
        if (namePrefix == null || !THREADS.isThreadCpuTimeSupported()) {
            return 0;
        }
        long total = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(namePrefix)) {
                long cpu = THREADS.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, cpu);
            }
        }
        return total;
    }
}
