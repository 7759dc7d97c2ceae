package org.starttls.policyd.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/** What the admin endpoint can ask of the daemon. */
public interface AdminActions {
    /** The daemon's state as one JSON object (list, doors, settings). */
    ObjectNode status();

    /** Re-reads configuration and list; completes with what happened. */
    CompletableFuture<ObjectNode> reload();

    /**
     * What socketmap map {@code map} answers for {@code domain} now, exactly as the MTA would get
     * it (MTA-STS cache included, a first contact waiting as the map does), with its explanation.
     */
    default CompletableFuture<ObjectNode> lookup(String domain, String map) {
        return CompletableFuture.completedFuture(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("error", "lookup is not available here"));
    }
}
