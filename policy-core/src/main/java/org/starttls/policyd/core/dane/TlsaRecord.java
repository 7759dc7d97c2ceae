package org.starttls.policyd.core.dane;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698) as found at {@code _25._tcp.MX}. Any field values are accepted, as DNS
 * may carry them; {@link #isUsable()} says whether SMTP DANE (RFC 7672 §3.1) can use it.
 */
public final class TlsaRecord {
    /** Certificate usage DANE-TA(2): a trust anchor the chain must reach. */
    public static final int USAGE_DANE_TA = 2;
    /** Certificate usage DANE-EE(3): the server's own certificate or key. */
    public static final int USAGE_DANE_EE = 3;
    /** Matching type 0: the full certificate or key. */
    public static final int MATCHING_FULL = 0;
    /** Matching type 1: SHA2-256 of it. */
    public static final int MATCHING_SHA256 = 1;
    /** Matching type 2: SHA2-512 of it. */
    public static final int MATCHING_SHA512 = 2;

    private static final int SHA256_BYTES = 32;
    private static final int SHA512_BYTES = 64;

    private final int usage;
    private final int selector;
    private final int matchingType;
    private final byte[] data;

    /** Each field is one octet on the wire (0..255); {@code data} is copied. */
    public TlsaRecord(int usage, int selector, int matchingType, byte[] data) {
        this.usage = octet("usage", usage);
        this.selector = octet("selector", selector);
        this.matchingType = octet("matching type", matchingType);
        if (data == null) {
            throw new IllegalArgumentException("TLSA data is null");
        }
        this.data = data.clone();
    }

    /** From presentation form, e.g. {@code (3, 1, 1, "0123...")}; hex digits, case ignored. */
    public static TlsaRecord ofHex(int usage, int selector, int matchingType, String hexData) {
        return new TlsaRecord(usage, selector, matchingType, HexFormat.of().parseHex(hexData));
    }

    public int usage() {
        return usage;
    }

    public int selector() {
        return selector;
    }

    public int matchingType() {
        return matchingType;
    }

    public byte[] data() {
        return data.clone();
    }

    /**
     * Whether the data fits the matching type: 32 bytes for SHA2-256, 64 for SHA2-512, anything
     * non-empty for the full value. Unknown matching types are never well formed.
     */
    public boolean isWellFormed() {
        return switch (matchingType) {
            case MATCHING_FULL -> data.length > 0;
            case MATCHING_SHA256 -> data.length == SHA256_BYTES;
            case MATCHING_SHA512 -> data.length == SHA512_BYTES;
            default -> false;
        };
    }

    /**
     * Usable for SMTP (RFC 7672 §3.1): usage DANE-TA(2) or DANE-EE(3) (PKIX usages 0 and 1 are not
     * for SMTP), selector 0 (certificate) or 1 (public key), matching type 0, 1 or 2, well formed.
     */
    public boolean isUsable() {
        boolean usageOk = usage == USAGE_DANE_TA || usage == USAGE_DANE_EE;
        boolean selectorOk = selector == 0 || selector == 1;
        return usageOk && selectorOk && isWellFormed();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsaRecord that
                && usage == that.usage
                && selector == that.selector
                && matchingType == that.matchingType
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * usage + selector) + matchingType) + Arrays.hashCode(data);
    }

    /** Presentation form: {@code 3 1 1 0123abcd...}. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }

    private static int octet(String field, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("TLSA " + field + " must be 0..255, got " + value);
        }
        return value;
    }
}
