package org.starttls.policyd.server.probe;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.starttls.policyd.core.list.TlsPolicy;

/**
 * The outcome of probing one domain's MXes against its policy: a value, kept per domain (and
 * policy), so one domain's broken policy never colours another domain that shares its MX hosts.
 *
 * @param domain the destination domain
 * @param policy the list policy the MXes were checked against
 * @param status the conclusion
 * @param mxs per-MX results in preference order (empty when DNS gave no answer)
 * @param reason one sentence naming the failures, for logs and reply texts
 * @param probedAt when the probe finished
 */
public record DomainReport(String domain, TlsPolicy policy, DomainStatus status, List<MxReport> mxs, String reason,
        Instant probedAt) {
    public DomainReport {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(status, "status");
        mxs = List.copyOf(mxs);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(probedAt, "probedAt");
    }

    /** Concludes from the per-MX results, as the issue states the rule. */
    static DomainReport conclude(String domain, TlsPolicy policy, List<MxReport> mxs, Instant probedAt) {
        if (mxs.isEmpty()) {
            return new DomainReport(domain, policy, DomainStatus.DOWNGRADE, mxs,
                    "DNS lists no usable MX for " + domain + " (null MX)", probedAt);
        }
        List<MxReport> matching = mxs.stream().filter(MxReport::matchesPolicy).toList();
        if (matching.isEmpty()) {
            return new DomainReport(domain, policy, DomainStatus.DOWNGRADE, mxs, "no MX of " + domain
                    + " matches the policy " + policy.mxs() + ": " + names(mxs), probedAt);
        }
        if (matching.stream().anyMatch(mx -> mx.result() == MxResultType.OK)) {
            return new DomainReport(domain, policy, DomainStatus.SECURE, mxs, "STARTTLS verified at " + matching.stream()
                    .filter(mx -> mx.result() == MxResultType.OK).map(mx -> mx.mx().name()).collect(Collectors.joining(", ")),
                    probedAt);
        }
        List<MxReport> failed = matching.stream().filter(mx -> mx.result().isFailure()).toList();
        if (failed.isEmpty()) {
            return new DomainReport(domain, policy, DomainStatus.UNKNOWN, mxs,
                    "no MX of " + domain + " could be reached: " + summaries(matching), probedAt);
        }
        return new DomainReport(domain, policy, DomainStatus.DOWNGRADE, mxs,
                "STARTTLS downgrade: every reachable MX failed: " + summaries(failed), probedAt);
    }

    /**
     * Concludes for a DANE domain, from STARTTLS alone: certificates are DANE's to judge (at
     * delivery, against the TLSA records), so an MX that completed a TLS handshake counts as
     * secure whatever its certificate; only STARTTLS not offered or refused is a downgrade. A
     * handshake that cannot complete is no evidence either way: the JDK refuses TLS 1.0/1.1, which
     * Postfix's DANE delivery still accepts, so deferring for it could wrongly hold mail (delivery
     * defers by itself when the handshake really fails). No MX at all is no evidence here (DANE
     * judged the MX RRset).
     */
    static DomainReport concludeStarttlsOnly(String domain, TlsPolicy policy, List<MxReport> mxs, Instant probedAt) {
        List<MxReport> tls = mxs.stream().filter(mx -> mx.tlsVersion() != null).toList();
        if (!tls.isEmpty()) {
            return new DomainReport(domain, policy, DomainStatus.SECURE, mxs, "STARTTLS and a TLS handshake at "
                    + names(tls) + " (certificates are DANE's to verify at delivery)", probedAt);
        }
        List<MxReport> stripped = mxs.stream().filter(mx -> mx.result() == MxResultType.STARTTLS_NOT_SUPPORTED).toList();
        if (stripped.isEmpty()) {
            return new DomainReport(domain, policy, DomainStatus.UNKNOWN, mxs,
                    "no MX of " + domain + " completed a TLS handshake or said it has no STARTTLS: " + summaries(mxs),
                    probedAt);
        }
        return new DomainReport(domain, policy, DomainStatus.DOWNGRADE, mxs,
                "STARTTLS downgrade: no reachable MX completed STARTTLS: " + summaries(stripped), probedAt);
    }

    /** DNS gave no answer: nothing is known about the MXes. */
    static DomainReport dnsFailed(String domain, TlsPolicy policy, String why, Instant probedAt) {
        return new DomainReport(domain, policy, DomainStatus.UNKNOWN, List.of(), "MX lookup failed: " + why, probedAt);
    }

    private static String names(List<MxReport> mxs) {
        return mxs.stream().map(mx -> mx.mx().name()).collect(Collectors.joining(", "));
    }

    private static String summaries(List<MxReport> mxs) {
        return mxs.stream().map(mx -> mx.mx().name() + " " + mx.result().wireName()).collect(Collectors.joining(", "));
    }
}
