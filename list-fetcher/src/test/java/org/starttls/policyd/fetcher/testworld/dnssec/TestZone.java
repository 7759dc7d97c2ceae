package org.starttls.policyd.fetcher.testworld.dnssec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One zone of the DNSSEC world, written as records and delegated from the world's signed root.
 * Names are absolute without the trailing dot ({@code mx.dane.test}); each zone gets its SOA, an
 * NS and the name server's address (127.0.0.1) by itself.
 *
 * <pre>{@code
 * TestZone.signed("dane.test").mx(10, "mx.dane.test").a("mx.dane.test", "127.0.0.1")
 *         .smtpTlsa("mx.dane.test", 3, 1, 1, sha256Hex)
 * }</pre>
 */
public final class TestZone {
    /** How the zone and its delegation are made. */
    public enum Kind {
        /** Signed, DS in the root: validates. */
        SIGNED,
        /** Not signed and no DS in the root (a provably insecure delegation). */
        UNSIGNED,
        /** Signed with signatures that expired long ago, DS in the root: bogus. */
        EXPIRED_SIGNATURES
    }

    static final int TTL_SECONDS = 300;

    private final String name;
    private final Kind kind;
    private final List<String> records = new ArrayList<>();
    private final Set<String> brokenSignatures = new LinkedHashSet<>();

    private TestZone(String name, Kind kind) {
        this.name = normalise(name);
        this.kind = kind;
    }

    public static TestZone signed(String name) {
        return new TestZone(name, Kind.SIGNED);
    }

    public static TestZone unsigned(String name) {
        return new TestZone(name, Kind.UNSIGNED);
    }

    public static TestZone withExpiredSignatures(String name) {
        return new TestZone(name, Kind.EXPIRED_SIGNATURES);
    }

    /** Any record in zone-file form: {@code record("dane.test", "TXT", "\"hello\"")}. */
    public TestZone record(String owner, String type, String rdata) {
        String absolute = normalise(owner);
        if (!absolute.equals(name) && !absolute.endsWith("." + name)) {
            throw new IllegalArgumentException(owner + " is not inside zone " + name);
        }
        records.add(absolute + ". " + TTL_SECONDS + " IN " + type.toUpperCase(Locale.ROOT) + " " + rdata);
        return this;
    }

    /** An MX of the zone's apex. */
    public TestZone mx(int preference, String host) {
        return record(name, "MX", preference + " " + normalise(host) + ".");
    }

    /** The null MX (RFC 7505): the domain takes no mail. */
    public TestZone nullMx() {
        return record(name, "MX", "0 .");
    }

    public TestZone a(String owner, String address) {
        return record(owner, "A", address);
    }

    public TestZone aaaa(String owner, String address) {
        return record(owner, "AAAA", address);
    }

    public TestZone cname(String owner, String target) {
        return record(owner, "CNAME", normalise(target) + ".");
    }

    /** A TLSA record at {@code _25._tcp.HOST}, the name SMTP DANE looks up for an MX host. */
    public TestZone smtpTlsa(String host, int usage, int selector, int matchingType, String hexData) {
        return record("_25._tcp." + normalise(host), "TLSA", usage + " " + selector + " " + matchingType + " " + hexData);
    }

    /**
     * MTA-STS for the zone's apex: the TXT record {@code _mta-sts.NAME "v=STSv1; id=ID;"} and the
     * policy host {@code mta-sts.NAME} at 127.0.0.1, where a test's {@code PolicyHosts} serve the
     * policy file.
     */
    public TestZone mtaSts(String id) {
        return record("_mta-sts." + name, "TXT", "\"v=STSv1; id=" + id + ";\"").a("mta-sts." + name, "127.0.0.1");
    }

    /**
     * Signs the zone, then breaks the signature over {@code owner}'s {@code type} RRset: a
     * validating resolver finds that RRset bogus and answers SERVFAIL; the rest of the zone stays
     * secure.
     */
    public TestZone breakSignature(String owner, String type) {
        if (kind == Kind.UNSIGNED) {
            throw new IllegalStateException("zone " + name + " is not signed; no signature to break");
        }
        brokenSignatures.add(normalise(owner) + " " + type.toUpperCase(Locale.ROOT));
        return this;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The name server of this zone, with glue in the root. */
    String nameServer() {
        return "ns." + name;
    }

    /** "owner TYPE" pairs whose signature is broken after signing. */
    Set<String> brokenSignatures() {
        return Set.copyOf(brokenSignatures);
    }

    String zoneFile() {
        StringBuilder text = new StringBuilder();
        text.append("$ORIGIN ").append(name).append(".\n");
        text.append("$TTL ").append(TTL_SECONDS).append('\n');
        text.append(name).append(". IN SOA ").append(nameServer()).append(". hostmaster.").append(name)
                .append(". 1 3600 600 86400 ").append(TTL_SECONDS).append('\n');
        text.append(name).append(". IN NS ").append(nameServer()).append(".\n");
        text.append(nameServer()).append(". IN A 127.0.0.1\n");
        for (String line : records) {
            text.append(line).append('\n');
        }
        return text.toString();
    }

    static String normalise(String name) {
        Objects.requireNonNull(name, "name");
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
