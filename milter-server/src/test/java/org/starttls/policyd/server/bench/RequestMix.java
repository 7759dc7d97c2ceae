package org.starttls.policyd.server.bench;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The requests a run cycles through, encoded once: {@code listedPercent}% for listed domains, the
 * rest for unlisted ones; on the socketmap one unlisted request in ten is Postfix's parent form
 * ({@code .example.com}), which is never a list entry.
 */
final class RequestMix {
    static final int SIZE = 4096;

    private RequestMix() {
    }

    static ByteBuf[] build(WireProtocol protocol, String mapName, List<String> listed, List<String> unlisted,
            int listedPercent, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuf[] requests = new ByteBuf[SIZE];
        for (int i = 0; i < SIZE; i++) {
            String key;
            if (random.nextInt(100) < listedPercent) {
                key = listed.get(random.nextInt(listed.size()));
            } else {
                key = unlisted.get(random.nextInt(unlisted.size()));
                if (protocol == WireProtocol.SOCKETMAP && random.nextInt(10) == 0) {
                    key = "." + key;
                }
            }
            requests[i] = protocol.request(mapName, key);
        }
        return requests;
    }
}
