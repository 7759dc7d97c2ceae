package org.starttls.policyd.fetcher.dane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.starttls.policyd.core.dane.DnssecSecurity;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNSSEC-aware lookups for DANE: every query carries the DO bit (a validating resolver such as
 * unbound sets AD only when asked with AD or DO), and AD is believed only from a resolver on a
 * loopback address, the validating resolver on this host that Postfix itself uses (RFC 7672 §2.1:
 * the path to a remote resolver is not protected, anyone on it can set AD).
 *
 * <p>Every lookup returns at once and its future completes normally, never exceptionally, within
 * the timeout (per query; a CNAME chain asks again for its end at most {@value #MAX_CNAMES} times).
 * It completes on a dnsjava thread: continuations must not block. There is no cache here.
 */
public final class DnssecLookups {
    /** A longer CNAME chain than this is refused as broken. */
    public static final int MAX_CNAMES = 8;
    /** The EDNS payload size DNS flag day 2020 recommends; larger answers come over TCP. */
    static final int EDNS_PAYLOAD_BYTES = 1232;

    private final SimpleResolver resolver;
    private final InetSocketAddress address;
    private final Duration timeout;
    private final boolean trustsAd;

    public DnssecLookups(InetSocketAddress resolverAddress, Duration timeout) {
        this.address = Objects.requireNonNull(resolverAddress, "resolverAddress");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (resolverAddress.isUnresolved()) {
            throw new IllegalArgumentException("the resolver must be an IP address, not " + resolverAddress);
        }
        this.trustsAd = resolverAddress.getAddress().isLoopbackAddress();
        this.resolver = new SimpleResolver(resolverAddress);
        resolver.setTimeout(timeout);
        resolver.setEDNS(0, EDNS_PAYLOAD_BYTES, ExtendedFlags.DO, List.of());
    }

    /** Whether AD from this resolver counts: only when it is on a loopback address. */
    public boolean trustsAd() {
        return trustsAd;
    }

    public InetSocketAddress resolverAddress() {
        return address;
    }

    /** How messages name the resolver: {@code 127.0.0.1:53}. */
    public String resolverName() {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** The records of {@code type} (a dnsjava {@link Type} value) at {@code name}, CNAMEs followed. */
    public CompletableFuture<SecureAnswer> lookup(String name, int type) {
        String question = name + " " + Type.string(type);
        Name start;
        try {
            start = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(SecureAnswer.failed(question, name, DnssecSecurity.FAILED,
                    "\"" + name + "\" is not a DNS name"));
        }
        Set<Name> seen = new HashSet<>();
        seen.add(start);
        long chainLimitMillis = timeout.toMillis() * (MAX_CNAMES + 1);
        return ask(question, start, type, seen, DnssecSecurity.SECURE)
                .completeOnTimeout(SecureAnswer.failed(question, name, DnssecSecurity.FAILED, "no answer from "
                        + resolverName() + " for " + question + " in time"), chainLimitMillis, TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<SecureAnswer> ask(String question, Name at, int type, Set<Name> seen,
            DnssecSecurity soFar) {
        Message query = Message.newQuery(Record.newRecord(at, type, DClass.IN));
        CompletableFuture<Message> response;
        try {
            response = resolver.sendAsync(query).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(SecureAnswer.failed(question, shown(at), DnssecSecurity.FAILED,
                    "cannot ask " + resolverName() + " for " + question + ": " + e.getMessage()));
        }
        return response.handle((message, error) -> error != null
                        ? CompletableFuture.completedFuture(SecureAnswer.failed(question, shown(at),
                                DnssecSecurity.FAILED, describe(question, error)))
                        : read(question, at, type, seen, soFar, message))
                .thenCompose(next -> next);
    }

    private CompletableFuture<SecureAnswer> read(String question, Name asked, int type, Set<Name> seen,
            DnssecSecurity soFar, Message response) {
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            DnssecSecurity security = rcode == Rcode.SERVFAIL && trustsAd && saysBogus(response)
                    ? DnssecSecurity.BOGUS : DnssecSecurity.FAILED;
            return done(SecureAnswer.failed(question, shown(asked), security, resolverName() + " answered "
                    + Rcode.string(rcode) + (security == DnssecSecurity.BOGUS ? " (DNSSEC validation failed)" : "")
                    + " for " + question));
        }
        DnssecSecurity security = trustsAd && response.getHeader().getFlag(Flags.AD) && soFar == DnssecSecurity.SECURE
                ? DnssecSecurity.SECURE : DnssecSecurity.INSECURE;
        List<Record> answers = response.getSection(Section.ANSWER);
        Name at = asked;
        List<Record> found = recordsAt(answers, at, type);
        while (found.isEmpty()) {
            Name target = cnameTarget(answers, at);
            if (target == null) {
                break;
            }
            if (!seen.add(target) || seen.size() > MAX_CNAMES + 1) {
                return done(SecureAnswer.failed(question, shown(target), DnssecSecurity.FAILED,
                        "the CNAME chain of " + question + " loops or is longer than " + MAX_CNAMES));
            }
            at = target;
            found = recordsAt(answers, at, type);
        }
        if (!found.isEmpty()) {
            long ttl = found.stream().mapToLong(Record::getTTL).min().orElse(0);
            return done(new SecureAnswer(question, security, shown(at), found, false, ttl,
                    found.size() + " record(s), " + security.name().toLowerCase(Locale.ROOT)));
        }
        if (!at.equals(asked) && rcode == Rcode.NOERROR) {
            // The chain's end has no records in this answer: ask for it; its answer is the name's.
            return ask(question, at, type, seen, security);
        }
        boolean nxDomain = rcode == Rcode.NXDOMAIN;
        return done(new SecureAnswer(question, security, shown(at), List.of(), nxDomain, negativeTtl(response),
                (nxDomain ? "no such name" : "no records") + ", " + security.name().toLowerCase(Locale.ROOT)));
    }

    /** SERVFAIL with an Extended DNS Error (RFC 8914) code 6..12: the resolver found it bogus. */
    private static boolean saysBogus(Message response) {
        OPTRecord opt = response.getOPT();
        if (opt == null) {
            return false;
        }
        for (EDNSOption option : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
            int code = ((ExtendedErrorCodeOption) option).getErrorCode();
            if (code >= ExtendedErrorCodeOption.DNSSEC_BOGUS && code <= ExtendedErrorCodeOption.NSEC_MISSING) {
                return true;
            }
        }
        return false;
    }

    private static long negativeTtl(Message response) {
        for (Record record : response.getSection(Section.AUTHORITY)) {
            if (record instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }

    private static List<Record> recordsAt(List<Record> answers, Name owner, int type) {
        List<Record> matching = new ArrayList<>();
        for (Record record : answers) {
            if (record.getType() == type && record.getName().equals(owner)) {
                matching.add(record);
            }
        }
        return matching;
    }

    private static Name cnameTarget(List<Record> answers, Name owner) {
        for (Record record : answers) {
            if (record instanceof CNAMERecord cname && record.getName().equals(owner)) {
                return cname.getTarget();
            }
        }
        return null;
    }

    private String describe(String question, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String what = cause instanceof IOException ? String.valueOf(cause.getMessage()) : cause.toString();
        return "no answer from " + resolverName() + " for " + question + " (" + what + ")";
    }

    private static String shown(Name name) {
        String text = name.toString(true);
        return text.isEmpty() ? "." : text;
    }

    private static CompletableFuture<SecureAnswer> done(SecureAnswer answer) {
        return CompletableFuture.completedFuture(answer);
    }
}
