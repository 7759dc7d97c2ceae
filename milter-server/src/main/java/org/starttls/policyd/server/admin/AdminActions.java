package org.starttls.policyd.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/** What the admin endpoint can ask of the daemon. */
public interface AdminActions {
    /** The daemon's state as one JSON object (list, doors, settings). */
    ObjectNode status();

    /** Re-reads configuration and list; completes with what happened. */
    CompletableFuture<ObjectNode> reload();
}
