package org.starttls.policyd.fetcher.dane;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.core.dane.DnssecSecurity;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.SecureAnswer;
import org.xbill.DNS.Type;

/**
 * Checks that the resolver validates: the DNSKEY RRset of a zone known to be signed (by default
 * the root) must come back with AD, from a resolver whose AD is trusted. Run at start and on every
 * reload; a resolver that does not validate must be reported loudly, and DANE then never says
 * {@code dane-only}.
 */
public final class ValidationCheck {
    /** The root zone: signed, and every validating resolver holds its trust anchor. */
    public static final String DEFAULT_ZONE = ".";

    private final DnsClient lookups;
    private final String zone;

    public ValidationCheck(DnsClient lookups, String zone) {
        this.lookups = Objects.requireNonNull(lookups, "lookups");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    public ValidationCheck(DnsClient lookups) {
        this(lookups, DEFAULT_ZONE);
    }

    /** Completes normally, within the lookup timeout. */
    public CompletableFuture<ValidationStatus> run() {
        String resolver = lookups.resolverName();
        if (!lookups.trustsAd()) {
            return CompletableFuture.completedFuture(new ValidationStatus(false, notOnLoopback(resolver)));
        }
        return lookups.lookupSecure(zone, Type.DNSKEY).thenApply(answer -> judge(resolver, answer));
    }

    private static String notOnLoopback(String resolver) {
        return named(resolver) + (plural(resolver) ? " are" : " is") + " not on a loopback address, so the AD bit"
                + " is not trusted: DANE needs a validating resolver on this host (the one Postfix uses)";
    }

    /** {@code resolver} is an address, or "the system's resolvers (/etc/resolv.conf)", which names itself. */
    private static String named(String resolver) {
        return plural(resolver) ? resolver : "the resolver " + resolver;
    }

    private static boolean plural(String resolver) {
        return resolver.startsWith("the ");
    }

    private ValidationStatus judge(String resolver, SecureAnswer answer) {
        if (answer.failed()) {
            return new ValidationStatus(false, "the validation check could not ask " + resolver + ": "
                    + answer.detail(), answer.security() == DnssecSecurity.FAILED);
        }
        if (answer.records().isEmpty()) {
            return new ValidationStatus(false, "the DNSKEY of " + zone + " is missing at " + resolver
                    + "; dane.validation-check must name a signed zone");
        }
        if (answer.security() != DnssecSecurity.SECURE) {
            return new ValidationStatus(false, named(resolver) + (plural(resolver) ? " do" : " does") + " not validate DNSSEC: the DNSKEY"
                    + " of " + zone + " came back without AD");
        }
        return new ValidationStatus(true, named(resolver) + (plural(resolver) ? " validate" : " validates") + " DNSSEC (the DNSKEY of " + zone
                + " came back with AD)");
    }
}
