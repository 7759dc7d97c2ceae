package org.starttls.policyd.fetcher.testworld;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/** The log lines slf4j-simple writes to standard error while an action runs. */
public final class CapturedLog<T> {
    public final T result;
    public final List<String> lines;

    private CapturedLog(T result, List<String> lines) {
        this.result = result;
        this.lines = lines;
    }

    public static <T> CapturedLog<T> during(Supplier<T> action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        T result;
        try (PrintStream stream = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(stream);
            result = action.get();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return new CapturedLog<>(result, text.lines().toList());
    }

    public List<String> warnings() {
        return lines.stream().filter(line -> line.contains(" WARN ")).toList();
    }
}
