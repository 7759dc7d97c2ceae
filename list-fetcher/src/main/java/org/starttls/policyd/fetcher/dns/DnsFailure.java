package org.starttls.policyd.fetcher.dns;

/**
 * Why a lookup has no answer. None of these says anything about the name: a failure must never
 * be read as "no record".
 */
public enum DnsFailure {
    /** The resolver answered SERVFAIL (it could not get an answer, or DNSSEC validation failed). */
    SERVFAIL,
    /** The resolver answered REFUSED (it does not serve us). */
    REFUSED,
    /** Any other error code (FORMERR, NOTIMP, ...). */
    ERROR_RCODE,
    /** No answer within the lookup's time. */
    TIMEOUT,
    /** The query could not be sent or the answer not received (no route, port unreachable, ...). */
    NETWORK,
    /** An answer we cannot use: malformed, a CNAME loop, a CNAME chain too long. */
    BAD_RESPONSE,
    /** The name asked for is not a valid DNS name. */
    BAD_NAME
}
