package org.starttls.policyd.fetcher.dane;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.starttls.policyd.core.dane.DaneDecider;
import org.starttls.policyd.core.dane.DaneEvidence;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.dane.DnssecSecurity;
import org.starttls.policyd.core.dane.MxHostEvidence;
import org.starttls.policyd.core.dane.TlsaRecord;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.fetcher.cachefile.CacheEntryFormat;
import org.starttls.policyd.fetcher.cachefile.JsonCacheFile;

/**
 * The DANE cache on disk ({@value DaneResolver#CACHE_FILE_NAME} in the state directory), so a
 * restart keeps every answer until its TTL, resolver outage or not; the file's handling (limits,
 * atomic writes, a corrupt file ignored with one warning) is {@link JsonCacheFile}'s.
 *
 * <pre>{"format":"starttls-policyd dane cache","version":1,"domains":[
 *   {"domain":"example.com","looked_up":"2026-...Z","expires":"2026-...Z","resolver_validates":true,
 *    "mx_security":"secure","null_mx":false,"hosts":[{"host":"mx.example.com",
 *    "address_security":"secure","tlsa_security":"secure","tlsa":["3 1 1 8cb0..."]}]}]}</pre>
 *
 * <p>The evidence is kept, not the verdict: the verdict is decided again on reading. An entry that
 * would decide {@code TEMP} (never cached), whose lifetime is longer than
 * {@link DaneResolver#MAX_TTL} or that is past its TTL is not used.
 */
final class DaneCacheFile implements CacheEntryFormat<CachedDaneAnswer> {
    static final String FORMAT = "starttls-policyd dane cache";
    static final int VERSION = 1;
    /** A full certificate in a TLSA record (matching type 0), in hex, fits easily. */
    private static final int MAX_STRING_CHARS = 128 * 1024;

    private DaneCacheFile() {
    }

    static JsonCacheFile<CachedDaneAnswer> open(Path file, long maxBytes, int maxEntries) {
        return new JsonCacheFile<>(file, maxBytes, maxEntries, new DaneCacheFile());
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public String entriesField() {
        return "domains";
    }

    @Override
    public String description() {
        return "DANE cache";
    }

    @Override
    public int maxStringChars() {
        return MAX_STRING_CHARS;
    }

    @Override
    public Instant madeAt(CachedDaneAnswer entry) {
        return entry.lookedUp();
    }

    @Override
    public boolean usableAt(CachedDaneAnswer entry, Instant now) {
        return entry.usableAt(now);
    }

    @Override
    public void write(CachedDaneAnswer entry, JsonGenerator json) throws IOException {
        DaneEvidence evidence = entry.evidence();
        json.writeStartObject();
        json.writeStringField("domain", entry.domain());
        json.writeStringField("looked_up", entry.lookedUp().toString());
        json.writeStringField("expires", entry.expires().toString());
        json.writeBooleanField("resolver_validates", evidence.resolverValidates());
        json.writeStringField("mx_security", name(evidence.mxSecurity()));
        json.writeBooleanField("null_mx", evidence.nullMx());
        json.writeArrayFieldStart("hosts");
        for (MxHostEvidence host : evidence.hosts()) {
            json.writeStartObject();
            json.writeStringField("host", host.host());
            json.writeStringField("address_security", name(host.addressSecurity()));
            json.writeStringField("tlsa_security", name(host.tlsaSecurity()));
            json.writeArrayFieldStart("tlsa");
            for (TlsaRecord tlsa : host.tlsa()) {
                json.writeString(tlsa.toString());
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    @Override
    public CachedDaneAnswer read(Map<String, Object> fields) {
        if (!(fields.get("domain") instanceof String domain && fields.get("looked_up") instanceof String lookedUp
                && fields.get("expires") instanceof String expires
                && fields.get("resolver_validates") instanceof Boolean validates
                && fields.get("mx_security") instanceof String mxSecurity
                && fields.get("null_mx") instanceof Boolean nullMx
                && fields.get("hosts") instanceof List<?> hostList)) {
            return null;
        }
        try {
            if (!DomainName.normalize(domain).equals(domain)) {
                return null;
            }
            List<MxHostEvidence> hosts = new ArrayList<>();
            for (Object host : hostList) {
                MxHostEvidence read = host instanceof Map<?, ?> map ? host(map) : null;
                if (read == null || hosts.size() == DaneEvidenceCollector.MAX_MX_HOSTS) {
                    return null;
                }
                hosts.add(read);
            }
            DaneEvidence evidence = new DaneEvidence(domain, validates, security(mxSecurity), nullMx, hosts);
            if (DaneDecider.decide(evidence).kind() == DaneVerdict.Kind.TEMP) {
                return null;
            }
            CachedDaneAnswer entry = new CachedDaneAnswer(domain, evidence, Instant.parse(lookedUp),
                    Instant.parse(expires));
            return entry.expires().isAfter(entry.lookedUp()) ? entry : null;
        } catch (IllegalArgumentException | DateTimeException e) {
            return null;
        }
    }

    private static MxHostEvidence host(Map<?, ?> fields) {
        if (!(fields.get("host") instanceof String host && fields.get("address_security") instanceof String address
                && fields.get("tlsa_security") instanceof String tlsaSecurity
                && fields.get("tlsa") instanceof List<?> tlsaList)) {
            return null;
        }
        if (!DomainName.normalize(host).equals(host)) {
            return null;
        }
        List<TlsaRecord> records = new ArrayList<>();
        for (Object record : tlsaList) {
            if (!(record instanceof String text)) {
                return null;
            }
            records.add(tlsa(text));
        }
        return new MxHostEvidence(host, security(address), security(tlsaSecurity), records);
    }

    /** The presentation form {@link TlsaRecord#toString()} writes: {@code 3 1 1 HEX}. */
    private static TlsaRecord tlsa(String text) {
        String[] parts = text.split(" ", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a TLSA record: " + text);
        }
        return TlsaRecord.ofHex(octet(parts[0]), octet(parts[1]), octet(parts[2]), parts[3]);
    }

    private static int octet(String text) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new IllegalArgumentException("not a TLSA field: " + text);
        }
        return Integer.parseInt(text);
    }

    private static String name(DnssecSecurity security) {
        return security.name().toLowerCase(Locale.ROOT);
    }

    private static DnssecSecurity security(String text) {
        if (!text.equals(text.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not a security: " + text);
        }
        return DnssecSecurity.valueOf(text.toUpperCase(Locale.ROOT));
    }
}
