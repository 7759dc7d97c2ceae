package org.starttls.policyd.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.bouncycastle.util.encoders.Hex;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.signature.SignatureVerificationException;

/**
 * An OpenPGP key minted in the test (see {@link TestKeys} for the variants): its public keyring
 * to pin, and detached signatures made with its signing key (the primary, or a subkey).
 */
public final class TestKey {
    private final PGPPublicKeyRing publicRing;
    private final PGPKeyPair signingPair;
    private final PGPSecretKeyRing secretRing;

    TestKey(PGPPublicKeyRing publicRing, PGPKeyPair signingPair, PGPSecretKeyRing secretRing) {
        this.publicRing = publicRing;
        this.signingPair = signingPair;
        this.secretRing = secretRing;
    }

    /** An armored detached signature over {@code data}, made now, SHA-512. */
    public byte[] sign(byte[] data) {
        return sign(data, Instant.now());
    }

    /** An armored detached signature over {@code data} dated {@code time}, SHA-512. */
    public byte[] sign(byte[] data, Instant time) {
        return sign(data, time, HashAlgorithmTags.SHA512, true);
    }

    /** A detached binary-document signature with the given date, hash and encoding. */
    public byte[] sign(byte[] data, Instant time, int hashAlgorithm, boolean armored) {
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(signingPair.getPublicKey().getAlgorithm(), hashAlgorithm),
                    signingPair.getPublicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, signingPair.getPrivateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(true, Date.from(time));
            hashed.setIssuerFingerprint(false, signingPair.getPublicKey());
            generator.setHashedSubpackets(hashed.generate());
            generator.update(data);
            return encode(generator.generate().getEncoded(), armored, "SIGNATURE");
        } catch (PGPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] armoredKeyring() {
        return encode(encoded(publicRing), true, "PUBLIC KEY BLOCK");
    }

    public byte[] binaryKeyring() {
        return encoded(publicRing);
    }

    /** The secret keyring, armored: what an operator must never pin. */
    public byte[] armoredSecretKeyring() {
        if (secretRing == null) {
            throw new IllegalStateException("this variant keeps no secret keyring");
        }
        try {
            return encode(secretRing.getEncoded(), true, "PRIVATE KEY BLOCK");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PinnedKeyring keyring() {
        try {
            return PinnedKeyring.read(armoredKeyring(), "test keyring");
        } catch (SignatureVerificationException e) {
            throw new IllegalStateException(e);
        }
    }

    public String primaryFingerprint() {
        return hex(publicRing.getPublicKey());
    }

    public String signingFingerprint() {
        return hex(signingPair.getPublicKey());
    }

    PGPPublicKeyRing publicRing() {
        return publicRing;
    }

    PGPKeyPair signingPairForTests() {
        return signingPair;
    }

    static PGPKeyPair newRsaPair(Instant created) {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 12));
        try {
            return new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, generator.generateKeyPair(), Date.from(created));
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(PGPPublicKeyRing ring) {
        try {
            return ring.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] encode(byte[] binary, boolean armored, String what) {
        if (!armored) {
            return binary;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = new ArmoredOutputStream(out)) {
            armor.write(binary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        if (!new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).contains(what)) {
            throw new IllegalStateException("armor header does not say " + what);
        }
        return bytes;
    }

    private static String hex(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(Locale.ROOT);
    }
}
