package org.starttls.policyd.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.starttls.policyd.core.HumanDuration;
import org.starttls.policyd.core.sts.StsMode;
import org.starttls.policyd.core.sts.StsMxPattern;
import org.starttls.policyd.core.sts.StsPolicy;
import org.starttls.policyd.core.sts.StsPolicyResult;
import org.starttls.policyd.fetcher.dns.DnsLookup;
import org.starttls.policyd.fetcher.sts.HttpsStsPolicySource;
import org.starttls.policyd.fetcher.sts.StsFailure;
import org.starttls.policyd.fetcher.sts.StsPolicyFetch;
import org.starttls.policyd.server.receiving.CertificateFindings;
import org.starttls.policyd.server.receiving.Finding;

/**
 * The policy host's checks, in the order a sender meets them: {@code policy_host} (an address),
 * {@code policy_connect}, {@code policy_certificate}, {@code policy_response} (200, text/plain,
 * size), {@code policy_syntax}; then, for a valid policy, {@code policy_mode},
 * {@code policy_max_age} and {@code policy_warnings}. A stage the fetch never reached is
 * {@code skip}, so the first failure is the one to fix.
 */
final class PolicyFindings {
    /** RFC 8461 section 3.2 expects max_age "in the range of weeks or greater". */
    static final Duration SHORT_MAX_AGE = Duration.ofDays(7);

    /** The findings, and the policy when the host served a valid one (else null). */
    record Result(List<Finding> findings, StsPolicy policy) {
    }

    private final String domain;
    private final String host;
    private final String url;
    private final String trust;
    private final int maxBodyBytes;
    private final Instant now;

    /**
     * @param trust how to name the trust anchors; {@code maxBodyBytes}: the fetch's size limit;
     *     {@code now}: what the certificate's days left count from
     */
    PolicyFindings(String domain, String trust, int maxBodyBytes, Instant now) {
        this.domain = domain;
        this.host = "mta-sts." + domain;
        this.url = "https://" + host + HttpsStsPolicySource.POLICY_PATH;
        this.trust = trust;
        this.maxBodyBytes = maxBodyBytes;
        this.now = now;
    }

    Result judge(DnsLookup<InetAddress> addresses, StsPolicyFetch fetch) {
        List<Finding> findings = new ArrayList<>();
        findings.add(host(addresses));
        if (!(addresses instanceof DnsLookup.Found)) {
            for (String check : List.of("policy_connect", "policy_certificate", "policy_response", "policy_syntax")) {
                findings.add(Finding.skip(check, "no address of " + host + " to connect to"));
            }
            return new Result(findings, null);
        }
        if (fetch instanceof StsPolicyFetch.Failed failed) {
            fetchFailure(failed, findings);
            return new Result(findings, null);
        }
        connected(findings, fetch.certificateNotAfter());
        findings.add(Finding.pass("policy_response", url + ": 200, text/plain, at most "
                + maxBodyBytes + " bytes"));
        StsPolicyResult parsed = ((StsPolicyFetch.Parsed) fetch).result();
        if (parsed instanceof StsPolicyResult.Invalid invalid) {
            findings.add(Finding.fail("policy_syntax", "the policy senders fetched is not valid: " + invalid.detail(),
                    syntaxFix(invalid)));
            return new Result(findings, null);
        }
        StsPolicy policy = ((StsPolicyResult.Valid) parsed).policy();
        findings.add(Finding.pass("policy_syntax", "version STSv1, mode " + policy.mode().wireName() + ", max_age "
                + policy.maxAge().toSeconds() + ", mx " + (policy.mx().isEmpty() ? "(none)"
                        : policy.mx().stream().map(StsMxPattern::toStsForm).collect(Collectors.joining(", ")))));
        findings.add(mode(policy));
        if (policy.mode() != StsMode.NONE) {
            findings.add(maxAge(policy));
        }
        if (!policy.warnings().isEmpty()) {
            findings.add(Finding.warn("policy_warnings", "senders ignore part of the policy: "
                    + String.join("; ", policy.warnings()), "correct or remove those lines, serve the file "
                    + "again and publish a new id"));
        }
        return new Result(findings, policy);
    }

    private Finding host(DnsLookup<InetAddress> addresses) {
        if (addresses instanceof DnsLookup.Found<InetAddress> found) {
            return Finding.pass("policy_host", host + " has " + found.values().stream().map(InetAddress::getHostAddress)
                    .collect(Collectors.joining(", ")));
        }
        String fix = "add an A (and AAAA) record for " + host + ", the web server that serves the policy";
        if (addresses instanceof DnsLookup.Failed<InetAddress> failed) {
            return Finding.fail("policy_host", "the address of " + host + " could not be looked up: " + failed.detail(),
                    "check the zone's name servers, or ask another resolver with --resolver");
        }
        return Finding.fail("policy_host", host + (addresses instanceof DnsLookup.NxDomain
                ? " does not exist (NXDOMAIN)" : " has no A or AAAA record") + ": senders cannot fetch the policy", fix);
    }

    private void connected(List<Finding> findings, Instant notAfter) {
        findings.add(Finding.pass("policy_connect", host + " takes HTTPS connections on port 443"));
        findings.add(certificate(notAfter));
    }

    /**
     * The certificate the handshake verified, and how long it has left: as {@code doctor} judges
     * the SMTP certificate, since once it expires every sender without a cached policy sees none.
     * {@code notAfter} is null only from a source without TLS.
     */
    private Finding certificate(Instant notAfter) {
        String valid = "the certificate of " + host + " is valid for that name and chains to " + trust;
        if (notAfter == null) {
            return Finding.pass("policy_certificate", valid);
        }
        long daysLeft = daysLeft(now, notAfter);
        String left = daysLeft + (daysLeft == 1 ? " day" : " days") + " left (expires " + notAfter + ")";
        if (now.isAfter(notAfter)) {
            // The handshake accepted it moments ago, so only a clock that differs from the TLS stack's gets here.
            return Finding.fail("policy_certificate", "the certificate of " + host + " is expired or not yet valid: "
                    + "expired at " + notAfter, "renew it (certbot renew) and reload the web server");
        }
        if (daysLeft < CertificateFindings.EXPIRY_WARNING_DAYS) {
            return Finding.warn("policy_certificate", valid + ", but only " + left + "; once it expires, senders "
                    + "without a cached policy see no MTA-STS", "certbot renews 30 days ahead: see why renewal "
                    + "failed (certbot renew --dry-run), then reload the web server");
        }
        return Finding.pass("policy_certificate", valid + "; " + left);
    }

    private void fetchFailure(StsPolicyFetch.Failed failed, List<Finding> findings) {
        String detail = failed.detail();
        switch (failed.kind()) {
            case DNS, CONNECT, TIMEOUT, BUSY -> {
                findings.add(Finding.fail("policy_connect", detail, connectFix(failed.kind())));
                findings.add(Finding.skip("policy_certificate", "no TLS handshake"));
                findings.add(Finding.skip("policy_response", "no response"));
            }
            case TLS -> {
                findings.add(Finding.pass("policy_connect", host + " takes TCP connections on port 443"));
                findings.add(certificate(detail));
                findings.add(Finding.skip("policy_response", "no response"));
            }
            default -> {
                connected(findings, failed.certificateNotAfter());
                findings.add(Finding.fail("policy_response", detail, responseFix(failed.kind())));
            }
        }
        findings.add(Finding.skip("policy_syntax", "no policy"));
    }

    /** Whole days from {@code now} to {@code notAfter}, as {@code doctor} counts them (rounded down). */
    static long daysLeft(Instant now, Instant notAfter) {
        return Duration.between(now, notAfter).toDays();
    }

    private String connectFix(StsFailure kind) {
        return switch (kind) {
            case DNS -> "check the address records of " + host;
            case CONNECT -> "serve HTTPS on port 443 of " + host + " (a firewall? the web server not listening on "
                    + "that address?)";
            default -> "the host must answer the whole request well within a minute (RFC 8461 section 3.3)";
        };
    }

    /**
     * The certificate failure, told by the TLS stack's reason: these are the JDK's own words for a
     * name mismatch, a chain to no trusted CA and a validity period, so the fix can be specific.
     */
    private Finding certificate(String detail) {
        String reason = detail.toLowerCase(Locale.ROOT);
        if (reason.contains("subject alternative") || reason.contains("no name matching")) {
            return Finding.fail("policy_certificate", "the certificate is not valid for " + host + ": " + detail,
                    "get one that names " + host + " (certbot certonly -d " + host + ") and serve it for that name");
        }
        if (reason.contains("validity check failed") || reason.contains("notafter") || reason.contains("notbefore")
                || reason.contains("expired")) {
            return Finding.fail("policy_certificate", "the certificate of " + host + " is expired or not yet valid: "
                    + detail, "renew it (certbot renew) and reload the web server");
        }
        if (reason.contains("pkix") || reason.contains("certification path")) {
            return Finding.fail("policy_certificate", "the certificate of " + host + " does not chain to " + trust
                    + ": " + detail, "serve a certificate from a public CA (e.g. Let's Encrypt) with its whole chain "
                    + "(fullchain.pem); senders do not accept a self-signed or private CA's certificate");
        }
        return Finding.fail("policy_certificate", detail, "serve TLS 1.2 or 1.3 with a certificate valid for " + host
                + " from a public CA");
    }

    private String responseFix(StsFailure kind) {
        return switch (kind) {
            case HTTP_STATUS -> "serve the policy file itself at " + url + " with status 200; senders never "
                    + "follow a redirect";
            case CONTENT_TYPE -> "serve it as Content-Type: text/plain (no compression)";
            case SIZE -> "serve the policy file alone (policyctl sts publish writes a few hundred bytes)";
            default -> "serve the file over plain HTTP/1.1 (status 200, text/plain, the body as written)";
        };
    }

    private String syntaxFix(StsPolicyResult.Invalid invalid) {
        String publish = "; policyctl sts publish writes a valid file (then publish its new id)";
        return switch (invalid.reason()) {
            case TOO_LARGE -> "serve the policy file alone" + publish;
            case NOT_UTF8 -> "save it as plain ASCII text" + publish;
            case BAD_VERSION -> "begin it with the line version: STSv1" + publish;
            case BAD_MODE -> "give it one line mode: testing (or enforce, or none)" + publish;
            case BAD_MAX_AGE -> "give it one line max_age: SECONDS (0 to 31557600)" + publish;
            case NO_VALID_MX -> "list each MX host as mx: HOST or mx: *.DOMAIN (names, not addresses)" + publish;
        };
    }

    private Finding mode(StsPolicy policy) {
        return switch (policy.mode()) {
            case ENFORCE -> Finding.pass("policy_mode", "enforce: senders that honour MTA-STS deliver to " + domain
                    + " only over verified TLS to the listed MX hosts");
            case TESTING -> Finding.warn("policy_mode", "testing: senders report failures (TLS-RPT) but still "
                    + "deliver, so nothing is protected yet", "when the TLS reports have been clean for a few weeks, "
                    + "publish --mode enforce (a new file and a new id)");
            case NONE -> Finding.warn("policy_mode", "none: senders drop the policy they cached for " + domain,
                    "publish --mode testing or enforce, or remove both records once max_age has passed");
        };
    }

    private Finding maxAge(StsPolicy policy) {
        Duration maxAge = policy.maxAge();
        String shown = maxAge.toSeconds() + " s (" + HumanDuration.format(maxAge) + ")";
        if (maxAge.compareTo(SHORT_MAX_AGE) < 0) {
            return Finding.warn("policy_max_age", "max_age " + shown + " is short: a sender's cached policy "
                    + "protects only that long after its last fetch", "use weeks once you enforce (RFC 8461 "
                    + "section 3.2), e.g. --max-age " + Duration.ofDays(14).toSeconds());
        }
        return Finding.pass("policy_max_age", "max_age " + shown);
    }
}
