package org.starttls.policyd.server.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What one measured run gave.
 *
 * @param requests replies (milter: whole messages) received while measuring
 * @param positive of those, {@code OK} (socketmap) or {@code PREPEND} (policy) answers, or milter
 *     messages tagged with a header
 * @param seconds length of the measuring phase
 * @param p50Micros median latency, microseconds
 * @param p99Micros 99th percentile, microseconds
 * @param p999Micros 99.9th percentile, microseconds
 * @param maxMicros slowest reply, microseconds
 * @param serverCpuMicros CPU time of the server's I/O threads while measuring, per request
 *     (milter: per message), microseconds; NaN for a server outside this JVM
 * @param clientCpuMicros the same for the load client's threads
 * @param failure the first error seen, or null
 */
record RunResult(long requests, long positive, double seconds, double p50Micros, double p99Micros,
        double p999Micros, double maxMicros, double serverCpuMicros, double clientCpuMicros, String failure) {

    static RunResult of(List<ClientLoop> handlers, long elapsedNanos, long serverCpuNanos, long clientCpuNanos,
            String failure) {
        long requests = 0;
        long positive = 0;
        List<LatencyRecorder> recorders = new ArrayList<>(handlers.size());
        for (ClientLoop handler : handlers) {
            requests += handler.measured();
            positive += handler.positive();
            recorders.add(handler.latencies());
        }
        LatencyRecorder.Percentiles latencies = LatencyRecorder.merge(recorders);
        return new RunResult(requests, positive, elapsedNanos / 1e9, latencies.at(50) / 1e3, latencies.at(99) / 1e3,
                latencies.at(99.9) / 1e3, latencies.max() / 1e3, perRequest(serverCpuNanos, requests),
                perRequest(clientCpuNanos, requests), failure);
    }

    private static double perRequest(long cpuNanos, long requests) {
        return cpuNanos < 0 || requests == 0 ? Double.NaN : cpuNanos / 1e3 / requests;
    }

    double perSecond() {
        return requests / seconds;
    }
}
