package org.starttls.policyd.fetcher.sts;

/** Why a domain that may publish MTA-STS has no usable policy right now; labels are metric values. */
public enum StsFailure {
    /** The TXT record or the policy host's addresses could not be looked up (not "no record"). */
    DNS("dns"),
    /** No TCP connection to the policy host. */
    CONNECT("connect"),
    /** The TLS handshake failed: certificate chain, host name, protocol version. */
    TLS("tls"),
    /** Connect, handshake or response took longer than allowed. */
    TIMEOUT("timeout"),
    /** Any status but 200, redirects included (they are never followed). */
    HTTP_STATUS("http-status"),
    /** Not {@code text/plain}. */
    CONTENT_TYPE("content-type"),
    /** The body is larger than the limit. */
    SIZE("size"),
    /** Not HTTP, or a policy file that does not parse. */
    SYNTAX("syntax"),
    /** Too many fetches in flight: refused without trying. */
    BUSY("busy");

    private final String label;

    StsFailure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
