package org.starttls.policyd.fetcher;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.starttls.policyd.core.list.ListFormatException;
import org.starttls.policyd.core.list.PreloadList;
import org.starttls.policyd.core.list.PreloadListParser;

/** Builds small lists in the EFF format, as the bytes a server would publish. */
final class ListJson {
    private final Instant timestamp;
    private final Instant expires;
    private final Map<String, String> policies = new LinkedHashMap<>();

    private ListJson(Instant timestamp, Instant expires) {
        this.timestamp = timestamp;
        this.expires = expires;
    }

    static ListJson list(Instant timestamp, Instant expires) {
        return new ListJson(timestamp, expires);
    }

    ListJson enforce(String domain, String... mxs) {
        return policy(domain, "enforce", mxs);
    }

    ListJson testing(String domain, String... mxs) {
        return policy(domain, "testing", mxs);
    }

    private ListJson policy(String domain, String mode, String... mxs) {
        String patterns = List.of(mxs).stream().map(mx -> "\"" + mx + "\"").collect(Collectors.joining(", "));
        policies.put(domain, "{\"mode\": \"" + mode + "\", \"mxs\": [" + patterns + "]}");
        return this;
    }

    byte[] bytes() {
        String body = policies.entrySet().stream()
                .map(e -> "    \"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(",\n"));
        return ("{\n  \"timestamp\": \"" + timestamp + "\",\n  \"expires\": \"" + expires + "\",\n"
                + "  \"version\": \"0.1\",\n  \"author\": \"test\",\n  \"policies\": {\n" + body + "\n  }\n}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    PreloadList parsed() throws ListFormatException {
        return PreloadListParser.parse(bytes());
    }
}
