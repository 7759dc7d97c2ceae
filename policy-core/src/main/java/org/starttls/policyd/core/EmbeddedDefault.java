package org.starttls.policyd.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.signature.SignatureVerificationException;

/**
 * The list packaged with the program: EFF's last STARTTLS Everywhere list (2020-05-20), its
 * signature and the EFF authority key. It is verified like any other list every time it is
 * loaded. It expired on 2020-06-03, so by default it enforces nothing; it is what runs until an
 * operator points the daemon at a live list, and every output that uses it says so.
 */
public final class EmbeddedDefault {
    public static final String SOURCE = "embedded default (EFF STARTTLS Everywhere list of 2020-05-20)";
    /** The sentence shown wherever the embedded default is in use. */
    public static final String WARNING = "using the embedded EFF list, which expired on 2020-06-03 and is no "
            + "longer published; configure a live list source (see docs/list-updates.md)";

    private static final String DIR = "/org/starttls/policyd/core/embedded/";

    private EmbeddedDefault() {
    }

    /** The embedded list, verified against the embedded key. */
    public static VerifiedList load() {
        try {
            VerifiedList verified = new ListVerifier(keyring())
                    .verify(resource("policy.json"), resource("policy.json.asc"), SOURCE);
            return new VerifiedList(verified.list(), verified.signature(), SOURCE, true);
        } catch (ListRejectedException e) {
            throw new IllegalStateException("the embedded default list does not verify; the build is broken: "
                    + e.getMessage(), e);
        }
    }

    /** The EFF authority key the embedded list is signed with. */
    public static PinnedKeyring keyring() {
        try {
            return PinnedKeyring.read(resource("authority.key.asc"), "embedded EFF authority key");
        } catch (SignatureVerificationException e) {
            throw new IllegalStateException("the embedded EFF key cannot be read; the build is broken", e);
        }
    }

    /** The armored EFF authority key, for writing out as a keyring file. */
    public static byte[] armoredKey() {
        return resource("authority.key.asc");
    }

    static byte[] resource(String name) {
        try (InputStream in = EmbeddedDefault.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DIR + name + "; the build is broken");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
