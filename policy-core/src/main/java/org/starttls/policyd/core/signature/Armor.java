package org.starttls.policyd.core.signature;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.bouncycastle.bcpg.ArmoredOutputStream;

/** ASCII armor (RFC 4880 section 6.2) for what policyctl writes: keys and detached signatures. */
final class Armor {
    /** What the armored block holds; Bouncy Castle picks the header line from the first packet. */
    enum Kind {
        PUBLIC_KEY("PUBLIC KEY BLOCK"),
        PRIVATE_KEY("PRIVATE KEY BLOCK"),
        SIGNATURE("SIGNATURE");

        final String header;

        Kind(String header) {
            this.header = header;
        }
    }

    private Armor() {
    }

    static byte[] encode(byte[] binary, Kind kind) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(binary.length * 4 / 3 + 128);
        // No "Version:" header: it says nothing a reader needs and changes with every upgrade.
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            armor.write(binary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        if (!new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).contains("BEGIN PGP " + kind.header)) {
            throw new IllegalStateException("the armor does not say " + kind.header);
        }
        return bytes;
    }
}
