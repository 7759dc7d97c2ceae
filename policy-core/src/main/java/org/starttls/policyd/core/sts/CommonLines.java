package org.starttls.policyd.core.sts;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The policy lines nearly every domain writes the same way ({@code version: STSv1}, the modes,
 * the usual {@code max_age} values), kept once: a cache of thousands of policies otherwise holds
 * thousands of copies of each, since a policy keeps its lines for TLSRPT and the cache file.
 */
final class CommonLines {
    private static final Map<String, String> SHARED = Stream.of(
            "version: STSv1",
            "mode: enforce", "mode: testing", "mode: none",
            "max_age: 86400", "max_age: 604800", "max_age: 1209600", "max_age: 2419200", "max_age: 2592000",
            "max_age: 5184000", "max_age: 10368000", "max_age: 15552000", "max_age: 31536000", "max_age: 31557600")
            .collect(Collectors.toUnmodifiableMap(Function.identity(), Function.identity()));

    private CommonLines() {
    }

    /** The shared copy of {@code line} if it is a common one, else {@code line} itself. */
    static String shared(String line) {
        return SHARED.getOrDefault(line, line);
    }
}
