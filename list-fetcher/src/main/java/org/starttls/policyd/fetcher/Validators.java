package org.starttls.policyd.fetcher;

/**
 * What a server said identifies the copy we hold, sent back on the next request so an unchanged
 * list costs one 304. Either may be null.
 *
 * @param etag the {@code ETag} response header, sent as {@code If-None-Match}
 * @param lastModified the {@code Last-Modified} response header, sent as {@code If-Modified-Since}
 */
public record Validators(String etag, String lastModified) {
    public static final Validators NONE = new Validators(null, null);

    public boolean isEmpty() {
        return etag == null && lastModified == null;
    }
}
