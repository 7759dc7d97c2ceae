package org.starttls.policyd.core.signature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;

/**
 * A key pair {@link SigningKeyGenerator} made: the secret keyring the publisher keeps and the
 * public keyring consumers pin ({@code list.keyring}), both in ASCII armor as GnuPG writes them.
 */
public final class GeneratedKey {
    private final PGPSecretKeyRing secretRing;
    private final PGPPublicKeyRing publicRing;
    private final KeyAlgorithm algorithm;
    private final String userId;
    private final Instant created;
    private final Instant expires;

    GeneratedKey(PGPSecretKeyRing secretRing, PGPPublicKeyRing publicRing, KeyAlgorithm algorithm, String userId,
            Instant created, Instant expires) {
        this.secretRing = secretRing;
        this.publicRing = publicRing;
        this.algorithm = algorithm;
        this.userId = userId;
        this.created = created;
        this.expires = expires;
    }

    /** The secret keyring (primary and signing subkey), armored, not protected by a passphrase. */
    public byte[] armoredSecretKeyring() {
        try {
            return Armor.encode(secretRing.getEncoded(), Armor.Kind.PRIVATE_KEY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The public keyring, armored: what consumers pin. */
    public byte[] armoredPublicKeyring() {
        try {
            return Armor.encode(publicRing.getEncoded(), Armor.Kind.PUBLIC_KEY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The primary (certification) key's fingerprint, upper-case hex: what consumers compare out of band. */
    public String primaryFingerprint() {
        return PinnedKeyring.fingerprint(publicRing.getPublicKey());
    }

    /** The signing subkey's fingerprint, upper-case hex. */
    public String signingFingerprint() {
        for (PGPPublicKey key : publicRing) {
            if (!key.isMasterKey()) {
                return PinnedKeyring.fingerprint(key);
            }
        }
        throw new IllegalStateException("a generated key always has a signing subkey");
    }

    public KeyAlgorithm algorithm() {
        return algorithm;
    }

    public String userId() {
        return userId;
    }

    public Instant created() {
        return created;
    }

    public Instant expires() {
        return expires;
    }
}
