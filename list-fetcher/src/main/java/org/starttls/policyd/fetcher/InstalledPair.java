package org.starttls.policyd.fetcher;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The list and signature bytes of one installed generation, read from the same directory so they
 * always belong together, with the keyring they were installed under.
 *
 * @param generation the generation directory they were read from
 * @param keyringRecord the keyring recorded with them, or null for a generation installed before
 *     records were kept (readers that name no keyring then use the embedded default)
 */
public record InstalledPair(Path generation, byte[] list, byte[] signature, KeyringRecord keyringRecord) {
    public InstalledPair {
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(signature, "signature");
    }

    /** Whether this pair holds exactly these bytes. */
    public boolean sameBytes(byte[] otherList, byte[] otherSignature) {
        return Arrays.equals(list, otherList) && Arrays.equals(signature, otherSignature);
    }
}
