package org.starttls.policyd.server.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Medians over the rounds per protocol, connection count and target, and each target's ratios to
 * the baseline. A ratio is taken per round (the runs of one round are close in time, so they share
 * the machine's load at that moment) and the median of those is reported.
 */
final class SummaryPrinter {
    private final PrintStream out;

    SummaryPrinter(PrintStream out) {
        this.out = out;
    }

    /** Prints the summary; returns false when a run failed. */
    boolean print(LoadGenerator.Results results, LoadOptions options, List<String> targetNames) {
        boolean ok = true;
        out.printf("%nSUMMARY (medians of %d rounds; latencies in microseconds; ratios are medians of per-round"
                + " ratios; cpu/req: CPU time of the server's I/O threads per request or message, microseconds;"
                + " goals: throughput >= %.2f x baseline, p99 <= %.1f x baseline)%n", options.rounds,
                LoadGenerator.MIN_THROUGHPUT_RATIO, LoadGenerator.MAX_P99_RATIO);
        for (WireProtocol protocol : options.protocols) {
            for (int connections : options.connections) {
                out.printf("%n%s, %d connections%n", protocol.label(), connections);
                out.printf("  %-16s %10s %9s %9s %9s %9s %16s %14s %9s%n", "target", protocol.unit() + "/s", "p50",
                        "p99", "p99.9", "cpu/" + protocol.unit(), "throughput/base", "p99/base", "cpu/base");
                List<RunResult> baseline = results.get(protocol, connections, LoadGenerator.BASELINE);
                for (String name : targetNames) {
                    List<RunResult> runs = results.get(protocol, connections, name);
                    if (runs.isEmpty()) {
                        continue;
                    }
                    ok &= runs.stream().allMatch(r -> r.failure() == null && r.requests() > 0);
                    out.printf("  %-16s %10.0f %9.1f %9.1f %9.1f %9.1f", name, median(runs, RunResult::perSecond),
                            median(runs, RunResult::p50Micros), median(runs, RunResult::p99Micros),
                            median(runs, RunResult::p999Micros), median(runs, RunResult::serverCpuMicros));
                    if (name.equals(LoadGenerator.BASELINE)) {
                        out.println();
                        continue;
                    }
                    double throughput = medianRatio(runs, baseline, RunResult::perSecond);
                    double p99 = medianRatio(runs, baseline, RunResult::p99Micros);
                    double cpu = medianRatio(runs, baseline, RunResult::serverCpuMicros);
                    out.printf(" %8.2f %-7s %8.2f %-5s %9.2f%n", throughput,
                            throughput >= LoadGenerator.MIN_THROUGHPUT_RATIO ? "met" : "MISSED", p99,
                            p99 <= LoadGenerator.MAX_P99_RATIO ? "met" : "MISSED", cpu);
                }
            }
        }
        out.printf("%nload average at the end: %s%n", LoadGenerator.loadAverage());
        if (!ok) {
            out.println("SOME RUNS FAILED: see the FAILED lines above");
        }
        return ok;
    }

    static Set<String> names(List<LoadGenerator.Target> targets) {
        Set<String> names = new LinkedHashSet<>();
        targets.forEach(t -> names.add(t.name()));
        return names;
    }

    static double median(List<RunResult> runs, ToDoubleFunction<RunResult> value) {
        return median(runs.stream().mapToDouble(value).toArray());
    }

    private static double medianRatio(List<RunResult> runs, List<RunResult> baseline, ToDoubleFunction<RunResult> value) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(runs.size(), baseline.size()); i++) {
            ratios.add(value.applyAsDouble(runs.get(i)) / value.applyAsDouble(baseline.get(i)));
        }
        return median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
