package org.starttls.policyd.server.e2e;

import java.io.IOException;

/** Closes test resources in the given order; every one is closed even if an earlier one fails. */
final class Closing {
    private Closing() {}

    static void inOrder(AutoCloseable... resources) throws IOException {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue; // never created: @BeforeAll failed or skipped before it
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first != null) {
            throw new IOException("closing test resources failed", first);
        }
    }
}
