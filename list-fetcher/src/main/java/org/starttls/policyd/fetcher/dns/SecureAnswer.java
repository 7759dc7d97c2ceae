package org.starttls.policyd.fetcher.dns;

import java.util.List;
import java.util.Objects;
import org.starttls.policyd.core.dane.DnssecSecurity;
import org.xbill.DNS.Record;

/**
 * One DNSSEC-aware lookup's result: the records of the asked type at the end of the CNAME chain,
 * and how secure the whole answer (every step of the chain) is.
 *
 * @param question "NAME TYPE", for messages
 * @param security {@code SECURE} only when every response carried AD from a trusted resolver
 * @param canonicalName the name at the end of the CNAME chain (the asked name without one)
 * @param records empty for NODATA, NXDOMAIN and failures
 * @param nxDomain the name does not exist (NXDOMAIN at the end of the chain)
 * @param ttlSeconds how long the answer may be kept: the lowest TTL of its records, or for a
 *     negative answer the SOA's negative TTL; 0 for failures
 * @param detail one sentence for an operator, safe to log
 */
public record SecureAnswer(String question, DnssecSecurity security, String canonicalName, List<Record> records,
        boolean nxDomain, long ttlSeconds, String detail) {

    public SecureAnswer {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(canonicalName, "canonicalName");
        records = List.copyOf(records);
        Objects.requireNonNull(detail, "detail");
    }

    static SecureAnswer failed(String question, String name, DnssecSecurity security, String detail) {
        return new SecureAnswer(question, security, name, List.of(), false, 0, detail);
    }

    public boolean failed() {
        return security.isFailure();
    }
}
