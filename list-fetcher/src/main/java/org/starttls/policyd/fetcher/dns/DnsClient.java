package org.starttls.policyd.fetcher.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.starttls.policyd.core.dane.DnssecSecurity;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * The daemon's one DNS client (MTA-STS records and policy hosts, DANE; the probe uses the same
 * settings): asks one recursive resolver, follows CNAMEs itself, and turns every answer and every
 * error into a {@link DnsLookup}. Nothing here uses the JDK's resolver.
 *
 * <p>{@link #lookupSecure} is the same lookup for DNSSEC (DANE): its queries carry the DO bit (a
 * validating resolver such as unbound sets AD only when asked with AD or DO) and the AD bit, and
 * it says how secure the answer is ({@link SecureAnswer}). AD is believed only from a resolver on
 * a loopback address ({@link #trustsAd()}), the validating resolver on this host that Postfix
 * itself uses (RFC 7672 §2.1: the path to a remote resolver is not protected, anyone on it can
 * set AD). A SERVFAIL carrying an Extended DNS Error (RFC 8914) for a DNSSEC failure is
 * {@code BOGUS}.
 *
 * <p>Every method returns at once; the future completes normally, never exceptionally, within the
 * lookup's timeout. It completes on dnsjava's I/O thread or a JDK timer thread: continuations must
 * not block.
 * Truncated UDP answers are retried over TCP by dnsjava. There is no cache here: callers cache
 * what they decide, and the resolver caches the DNS.
 */
public final class DnsClient {
    /** RFC 8461 section 3.1 says CNAMEs are followed; a longer chain than this is refused as broken. */
    public static final int MAX_CNAMES = 8;
    /** The EDNS payload size DNS flag day 2020 recommends; larger answers come over TCP. */
    static final int EDNS_PAYLOAD_BYTES = 1232;
    /**
     * Where dnsjava parses a response and completes its future: on its own I/O thread, at once.
     * Its default, the common fork-join pool, is one more thread hand-off per response (three for a
     * first MTA-STS contact) on the path of every lookup; what runs after it here is short and never
     * blocks, as this class requires of its callers.
     */
    private static final Executor ON_DNSJAVA_THREAD = Runnable::run;

    private final Resolver resolver;
    private final Duration timeout;
    private final String resolverName;
    private final boolean trustsAd;

    public DnsClient(DnsSettings settings) {
        this(resolver(settings), settings.timeout(), settings.describeResolver(), onLoopback(settings));
    }

    /**
     * A client of a resolver handed in, whose AD bit is not trusted.
     *
     * @param resolverName how detail sentences name the resolver
     */
    public DnsClient(Resolver resolver, Duration timeout, String resolverName) {
        this(resolver, timeout, resolverName, false);
    }

    private DnsClient(Resolver resolver, Duration timeout, String resolverName, boolean trustsAd) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.resolverName = Objects.requireNonNull(resolverName, "resolverName");
        this.trustsAd = trustsAd;
        resolver.setTimeout(timeout);
    }

    /** Every server asked is on a loopback address (the system's: every one of {@code /etc/resolv.conf}). */
    private static boolean onLoopback(DnsSettings settings) {
        List<InetSocketAddress> servers = settings.resolver() != null ? List.of(settings.resolver())
                : ResolverConfig.getCurrentConfig().servers();
        return !servers.isEmpty() && servers.stream().allMatch(server -> server.getAddress().isLoopbackAddress());
    }

    private static Resolver resolver(DnsSettings settings) {
        if (settings.resolver() == null) {
            return new ExtendedResolver(); // the servers of ResolverConfig: /etc/resolv.conf
        }
        return new SimpleResolver(settings.resolver());
    }

    public Duration timeout() {
        return timeout;
    }

    /** How detail sentences name the resolver. */
    public String resolverName() {
        return resolverName;
    }

    /** Whether {@link #lookupSecure} believes the resolver's AD bit: only on a loopback address. */
    public boolean trustsAd() {
        return trustsAd;
    }

    /** The records of {@code type} (a dnsjava {@link Type} value) at {@code name}, CNAMEs followed. */
    public CompletableFuture<DnsLookup<Record>> lookup(String name, int type) {
        return chase(name, type, false).lookup();
    }

    /**
     * The same lookup asked for DNSSEC (the DO and AD bits set), with how secure the answer is:
     * {@code SECURE} only when every response of the CNAME chain carried AD and {@link #trustsAd()}.
     */
    public CompletableFuture<SecureAnswer> lookupSecure(String name, int type) {
        Chase chase = chase(name, type, true);
        return chase.lookup().thenApply(chase::secureAnswer);
    }

    private Chase chase(String name, int type, boolean dnssec) {
        return new Chase(shown(name), name, type, dnssec);
    }

    /**
     * The TXT records at {@code name}, each record's character-strings joined into one string.
     * Bytes are read as ISO-8859-1, so a byte outside ASCII stays a character outside ASCII for
     * the grammar to refuse (never an escape sequence that could pass for text).
     */
    public CompletableFuture<DnsLookup<String>> txt(String name) {
        return lookup(name, Type.TXT).thenApply(found -> found.map(DnsClient::joined));
    }

    /**
     * The IPv4 then IPv6 addresses of {@code host}. One family that fails does not hide the other's
     * addresses; with no address at all, a failure of either family makes the whole a failure.
     */
    public CompletableFuture<DnsLookup<InetAddress>> addresses(String host) {
        CompletableFuture<DnsLookup<Record>> v4 = lookup(host, Type.A);
        CompletableFuture<DnsLookup<Record>> v6 = lookup(host, Type.AAAA);
        return v4.thenCombine(v6, DnsClient::addresses);
    }

    private static DnsLookup<InetAddress> addresses(DnsLookup<Record> v4, DnsLookup<Record> v6) {
        List<InetAddress> all = new ArrayList<>();
        for (Record record : v4.values()) {
            all.add(((ARecord) record).getAddress());
        }
        for (Record record : v6.values()) {
            all.add(((AAAARecord) record).getAddress());
        }
        if (!all.isEmpty()) {
            String canonical = v4 instanceof DnsLookup.Found<Record> found ? found.canonicalName()
                    : ((DnsLookup.Found<Record>) v6).canonicalName();
            return new DnsLookup.Found<>(v4.name(), canonical, all);
        }
        if (!v4.answered()) {
            return v4.map(InetAddress.class::cast);
        }
        if (!v6.answered()) {
            return v6.map(InetAddress.class::cast);
        }
        if (v4 instanceof DnsLookup.NxDomain && v6 instanceof DnsLookup.NxDomain) {
            return new DnsLookup.NxDomain<>(v4.name());
        }
        return new DnsLookup.NoData<>(v4.name());
    }

    private static String joined(Record record) {
        StringBuilder text = new StringBuilder();
        for (byte[] part : ((TXTRecord) record).getStringsAsByteArrays()) {
            text.append(new String(part, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    /**
     * One lookup: the queries it sends as it follows a CNAME chain, and for a DNSSEC lookup what
     * their responses said about security. Its steps run one after another, each after the last.
     */
    private final class Chase {
        private final String name;
        private final String asWritten;
        private final int type;
        private final boolean dnssec;
        private final Set<Name> seen = new HashSet<>();
        /** Every response so far carried AD. */
        private volatile boolean allAd = true;
        /** A SERVFAIL said the DNSSEC validation failed. */
        private volatile boolean bogus;
        /** The last name asked or reached: the end of the CNAME chain. */
        private volatile Name end;
        private volatile long negativeTtl;

        Chase(String name, String asWritten, int type, boolean dnssec) {
            this.name = name;
            this.asWritten = asWritten;
            this.type = type;
            this.dnssec = dnssec;
        }

        String question() {
            return name + " " + Type.string(type);
        }

        CompletableFuture<DnsLookup<Record>> lookup() {
            Name query;
            try {
                query = Name.fromString(asWritten, Name.root);
            } catch (TextParseException e) {
                return CompletableFuture.completedFuture(new DnsLookup.Failed<>(name, DnsFailure.BAD_NAME,
                        "\"" + name + "\" is not a DNS name"));
            }
            seen.add(query);
            end = query;
            return ask(query).completeOnTimeout(new DnsLookup.Failed<>(name, DnsFailure.TIMEOUT, "no answer from "
                    + resolverName + " for " + question() + " within " + seconds(timeout)),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The outcome read for DNSSEC. */
        SecureAnswer secureAnswer(DnsLookup<Record> outcome) {
            String canonical = end == null ? name : shown(end);
            if (outcome instanceof DnsLookup.Failed<Record> failed) {
                return bogus ? SecureAnswer.failed(question(), canonical, DnssecSecurity.BOGUS,
                        failed.detail() + " (DNSSEC validation failed)")
                        : SecureAnswer.failed(question(), canonical, DnssecSecurity.FAILED, failed.detail());
            }
            DnssecSecurity security = trustsAd && allAd ? DnssecSecurity.SECURE : DnssecSecurity.INSECURE;
            String secure = security.name().toLowerCase(Locale.ROOT);
            if (outcome instanceof DnsLookup.Found<Record> found) {
                long ttl = found.values().stream().mapToLong(Record::getTTL).min().orElse(0);
                return new SecureAnswer(question(), security, found.canonicalName(), found.values(), false, ttl,
                        found.values().size() + " record(s), " + secure);
            }
            boolean nxDomain = outcome instanceof DnsLookup.NxDomain;
            return new SecureAnswer(question(), security, canonical, List.of(), nxDomain, negativeTtl,
                    (nxDomain ? "no such name" : "no records") + ", " + secure);
        }

        private Message query(Name at) {
            Message query = Message.newQuery(Record.newRecord(at, type, DClass.IN));
            if (dnssec) {
                query.getHeader().setFlag(Flags.AD);
                query.addRecord(new OPTRecord(EDNS_PAYLOAD_BYTES, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
            }
            return query;
        }

        CompletableFuture<DnsLookup<Record>> ask(Name at) {
            end = at;
            CompletableFuture<Message> response;
            try {
                response = resolver.sendAsync(query(at), ON_DNSJAVA_THREAD).toCompletableFuture();
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(failure(e));
            }
            return response.handle((message, error) -> error != null
                            ? CompletableFuture.completedFuture(failure(error))
                            : read(at, message))
                    .thenCompose(next -> next);
        }

        private CompletableFuture<DnsLookup<Record>> read(Name asked, Message response) {
            int rcode = response.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                bogus = rcode == Rcode.SERVFAIL && trustsAd && saysBogus(response);
                DnsFailure reason = rcode == Rcode.SERVFAIL ? DnsFailure.SERVFAIL
                        : rcode == Rcode.REFUSED ? DnsFailure.REFUSED : DnsFailure.ERROR_RCODE;
                String where = shown(asked).equals(name) ? "" : " (asking its CNAME target " + shown(asked) + ")";
                return done(failed(reason, resolverName + " answered " + Rcode.string(rcode) + " for " + question() + where));
            }
            allAd = allAd && response.getHeader().getFlag(Flags.AD);
            List<Record> answers = response.getSection(Section.ANSWER);
            Name at = asked;
            List<Record> found = recordsAt(answers, at);
            while (found.isEmpty()) {
                Name target = cnameTarget(answers, at);
                if (target == null) {
                    break;
                }
                if (!seen.add(target)) {
                    return done(failed(DnsFailure.BAD_RESPONSE, "the CNAME chain of " + question()
                            + " loops at " + shown(target)));
                }
                if (seen.size() > MAX_CNAMES + 1) {
                    return done(failed(DnsFailure.BAD_RESPONSE, "the CNAME chain of " + question()
                            + " is longer than " + MAX_CNAMES));
                }
                at = target;
                end = at;
                found = recordsAt(answers, at);
            }
            if (!found.isEmpty()) {
                return done(new DnsLookup.Found<>(name, shown(at), found));
            }
            negativeTtl = negativeTtl(response);
            if (rcode == Rcode.NXDOMAIN) {
                return done(new DnsLookup.NxDomain<>(name));
            }
            if (!at.equals(asked)) {
                // The chain's end has no records in this answer: ask for it, since a resolver may
                // leave the chasing to us. Its answer (records, NODATA, NXDOMAIN) is the name's.
                return ask(at);
            }
            return done(new DnsLookup.NoData<>(name));
        }

        private List<Record> recordsAt(List<Record> answers, Name owner) {
            List<Record> matching = new ArrayList<>();
            for (Record record : answers) {
                if (record.getType() == type && record.getName().equals(owner)) {
                    matching.add(record);
                }
            }
            return matching;
        }

        private Name cnameTarget(List<Record> answers, Name owner) {
            for (Record record : answers) {
                if (record instanceof CNAMERecord cname && record.getName().equals(owner)) {
                    return cname.getTarget();
                }
            }
            return null;
        }

        private DnsLookup<Record> failure(Throwable error) {
            Throwable cause = unwrap(error);
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException
                    || (cause instanceof IOException && String.valueOf(cause.getMessage()).startsWith("Timed out"))) {
                return failed(DnsFailure.TIMEOUT, "no answer from " + resolverName + " for " + question()
                        + " within " + seconds(timeout));
            }
            if (cause instanceof WireParseException) {
                return failed(DnsFailure.BAD_RESPONSE, resolverName + " sent an answer for " + question()
                        + " that cannot be read (" + oneLine(cause) + ")");
            }
            return failed(DnsFailure.NETWORK, question() + " could not be asked of " + resolverName
                    + " (" + oneLine(cause) + ")");
        }

        private DnsLookup<Record> failed(DnsFailure reason, String detail) {
            return new DnsLookup.Failed<>(name, reason, detail);
        }
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

    /** How long a negative answer may be kept (RFC 2308): the SOA's TTL, at most its minimum field. */
    private static long negativeTtl(Message response) {
        for (Record record : response.getSection(Section.AUTHORITY)) {
            if (record instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }

    private static CompletableFuture<DnsLookup<Record>> done(DnsLookup<Record> lookup) {
        return CompletableFuture.completedFuture(lookup);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String oneLine(Throwable cause) {
        String message = cause.getMessage();
        String text = message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
        return text.replaceAll("[\\r\\n\\t]+", " ");
    }

    private static String shown(Name name) {
        return shown(name.toString(true));
    }

    private static String shown(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") && lower.length() > 1 ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
