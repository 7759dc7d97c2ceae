package org.starttls.policyd.core.signature;

import java.time.Instant;
import java.util.Objects;

/**
 * Who signed a list and when, as established by a successful verification.
 *
 * @param signingKeyFingerprint the key that made the signature (a subkey or the primary), upper-case hex
 * @param primaryKeyFingerprint the pinned primary key it belongs to, upper-case hex
 * @param userId the primary user ID of the pinned key, or null if it has none
 * @param signatureTime the signature's creation time (used by the rollback check)
 */
public record SignatureInfo(String signingKeyFingerprint, String primaryKeyFingerprint, String userId,
        Instant signatureTime) {
    public SignatureInfo {
        Objects.requireNonNull(signingKeyFingerprint, "signingKeyFingerprint");
        Objects.requireNonNull(primaryKeyFingerprint, "primaryKeyFingerprint");
        Objects.requireNonNull(signatureTime, "signatureTime");
    }

    /** "STARTTLS Everywhere Team <...> (B693F333...)" or the fingerprint alone. */
    public String signerDescription() {
        return userId == null ? primaryKeyFingerprint : userId + " (" + primaryKeyFingerprint + ")";
    }
}
