package org.starttls.policyd.fetcher.sts;

/** Ends a policy fetch early with its outcome; never leaves this package (callers get a value). */
final class PolicyFetchException extends Exception {
    private static final long serialVersionUID = 1L;

    private final StsFailure kind;

    PolicyFetchException(StsFailure kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    StsPolicyFetch.Failed outcome() {
        return new StsPolicyFetch.Failed(kind, getMessage());
    }
}
