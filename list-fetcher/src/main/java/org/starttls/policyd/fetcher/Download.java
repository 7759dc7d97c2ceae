package org.starttls.policyd.fetcher;

import java.net.URI;
import java.util.Objects;

/** What one HTTP download produced: a body, or the server's word that our copy is current. */
public sealed interface Download permits Download.Fetched, Download.NotModified {

    /** The URI that finally answered, after redirects. */
    URI finalUri();

    /**
     * A complete body, no longer than the limit it was fetched with.
     *
     * @param contentType the {@code Content-Type} header, or null
     * @param validators what to send next time for a conditional request
     */
    record Fetched(URI finalUri, byte[] body, String contentType, Validators validators) implements Download {
        public Fetched {
            Objects.requireNonNull(finalUri, "finalUri");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(validators, "validators");
        }
    }

    /** HTTP 304: the copy described by the validators we sent is still current. */
    record NotModified(URI finalUri) implements Download {
        public NotModified {
            Objects.requireNonNull(finalUri, "finalUri");
        }
    }
}
