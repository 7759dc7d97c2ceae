package org.starttls.policyd.core.list;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The list's domains and policies in a compact open-addressing table: one {@code byte[]} per
 * domain holding its name and its policy, so a million-domain list costs about 90 bytes per
 * domain instead of the ~300 of a {@code HashMap<String, TlsPolicy>} with its node, key and policy
 * objects (docs/benchmarks.md). A lookup hashes the name, probes, compares bytes and decodes the
 * policy; policies shared through a policy-alias are decoded once and returned as is.
 *
 * <p>Entry layout: {@code [name length][name, ASCII][tag][payload]}; tag {@link #ENFORCE} or
 * {@link #TESTING} with the MX patterns joined by ':' as payload, or {@link #ALIAS} with a
 * two-byte alias number. Names and patterns are normalised A-labels, so ASCII holds them, and ':'
 * never occurs in a pattern.
 */
final class PolicyIndex {
    static final byte ENFORCE = 0;
    static final byte TESTING = 1;
    static final byte ALIAS = 2;
    static final int MAX_ALIASES = 0xFFFF;

    private byte[][] table;
    private int size;

    PolicyIndex() {
        table = new byte[1 << 10][];
    }

    /** Adds an entry with its own patterns; false when the name is already present. */
    boolean putInline(String domain, PolicyMode mode, java.util.List<MxPattern> patterns) {
        int patternBytes = patterns.size() - 1;
        for (MxPattern pattern : patterns) {
            patternBytes += pattern.asString().length();
        }
        byte[] entry = header(domain, mode == PolicyMode.ENFORCE ? ENFORCE : TESTING, patternBytes);
        int at = domain.length() + 2;
        for (int i = 0; i < patterns.size(); i++) {
            if (i > 0) {
                entry[at++] = ':';
            }
            at = copyAscii(patterns.get(i).asString(), entry, at);
        }
        return put(entry, domain);
    }

    /** Adds an entry that takes the policy of alias number {@code aliasId}; false when the name is present. */
    boolean putAlias(String domain, int aliasId) {
        byte[] entry = header(domain, ALIAS, 2);
        entry[domain.length() + 2] = (byte) (aliasId >>> 8);
        entry[domain.length() + 3] = (byte) aliasId;
        return put(entry, domain);
    }

    private static byte[] header(String domain, byte tag, int payloadBytes) {
        byte[] entry = new byte[domain.length() + 2 + payloadBytes];
        entry[0] = (byte) domain.length();
        copyAscii(domain, entry, 1);
        entry[domain.length() + 1] = tag;
        return entry;
    }

    /** Normalised names and patterns are ASCII (A-labels), checked at parse time. */
    private static int copyAscii(String text, byte[] into, int at) {
        for (int i = 0; i < text.length(); i++) {
            into[at++] = (byte) text.charAt(i);
        }
        return at;
    }

    private boolean put(byte[] entry, String domain) {
        if ((size + 1) * 2 > table.length) {
            grow();
        }
        int mask = table.length - 1;
        for (int slot = hash(domain) & mask; ; slot = (slot + 1) & mask) {
            byte[] existing = table[slot];
            if (existing == null) {
                table[slot] = entry;
                size++;
                return true;
            }
            if (nameEquals(existing, domain)) {
                return false;
            }
        }
    }

    private void grow() {
        byte[][] old = table;
        table = new byte[old.length * 2][];
        int mask = table.length - 1;
        for (byte[] entry : old) {
            if (entry != null) {
                int slot = hashOfEntry(entry) & mask;
                while (table[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = entry;
            }
        }
    }

    /** The entry for a normalised name, or null. */
    byte[] get(String domain) {
        int slot = slotOf(domain);
        return slot < 0 ? null : table[slot];
    }

    /** The slot holding a normalised name's entry, or -1. */
    int slotOf(String domain) {
        if (domain.length() > 255) {
            return -1;
        }
        int mask = table.length - 1;
        for (int slot = hash(domain) & mask; ; slot = (slot + 1) & mask) {
            byte[] entry = table[slot];
            if (entry == null) {
                return -1;
            }
            if (nameEquals(entry, domain)) {
                return slot;
            }
        }
    }

    /**
     * The slot holding the entry whose name is the {@code length} ASCII bytes at {@code offset} of
     * {@code name}, or -1: {@link #slotOf(String)} for a caller that has the name's bytes and no
     * string. Bytes outside ASCII never match (entry names are A-labels).
     */
    int slotOf(byte[] name, int offset, int length) {
        if (length > 255) {
            return -1;
        }
        int mask = table.length - 1;
        for (int slot = hash(name, offset, length) & mask; ; slot = (slot + 1) & mask) {
            byte[] entry = table[slot];
            if (entry == null) {
                return -1;
            }
            if ((entry[0] & 0xFF) == length && Arrays.equals(entry, 1, length + 1, name, offset, offset + length)) {
                return slot;
            }
        }
    }

    byte[] entryAt(int slot) {
        return table[slot];
    }

    /** Number of slots: the bound of {@link #slotOf}. */
    int capacity() {
        return table.length;
    }

    int size() {
        return size;
    }

    /** Every entry, in table order. */
    void forEach(BiConsumer<String, byte[]> action) {
        for (byte[] entry : table) {
            if (entry != null) {
                action.accept(name(entry), entry);
            }
        }
    }

    static String name(byte[] entry) {
        return new String(entry, 1, entry[0] & 0xFF, StandardCharsets.US_ASCII);
    }

    static byte tag(byte[] entry) {
        return entry[(entry[0] & 0xFF) + 1];
    }

    static int aliasId(byte[] entry) {
        int at = (entry[0] & 0xFF) + 2;
        return ((entry[at] & 0xFF) << 8) | (entry[at + 1] & 0xFF);
    }

    /** The MX patterns of an inline entry, as they were validated at parse time. */
    static java.util.List<MxPattern> patterns(byte[] entry) {
        int start = (entry[0] & 0xFF) + 2;
        java.util.List<MxPattern> patterns = new java.util.ArrayList<>(3);
        for (int i = start; i <= entry.length; i++) {
            if (i == entry.length || entry[i] == ':') {
                patterns.add(MxPattern.trusted(new String(entry, start, i - start, StandardCharsets.US_ASCII)));
                start = i + 1;
            }
        }
        return patterns;
    }

    private static boolean nameEquals(byte[] entry, String domain) {
        int length = entry[0] & 0xFF;
        if (length != domain.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = domain.charAt(i);
            if (c > 0x7F || entry[i + 1] != (byte) c) {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the name's characters, spread so linear probing sees few clusters. */
    private static int hash(String domain) {
        int h = 0x811C9DC5;
        for (int i = 0; i < domain.length(); i++) {
            h = (h ^ domain.charAt(i)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    private static int hashOfEntry(byte[] entry) {
        return hash(entry, 1, entry[0] & 0xFF);
    }

    /** {@link #hash(String)} of a name given as ASCII bytes: the same value for the same name. */
    private static int hash(byte[] name, int offset, int length) {
        int h = 0x811C9DC5;
        for (int i = offset; i < offset + length; i++) {
            h = (h ^ (name[i] & 0xFF)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
