package org.starttls.policyd.server.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.starttls.policyd.server.testing.TestCertificates.Issued;

/** Writes a minted certificate as an MTA reads it: a full-chain PEM and a private key only root may read. */
final class PemFiles {
    private PemFiles() {
    }

    /** {@code DIR/NAME.crt} (leaf first) and {@code DIR/NAME.key} (mode 0600); returns the pair. */
    static Path[] write(Issued issued, Path dir, String name) throws IOException {
        StringBuilder chain = new StringBuilder();
        try {
            for (X509Certificate certificate : issued.chain()) {
                chain.append(pem("CERTIFICATE", certificate.getEncoded()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Path cert = Files.writeString(dir.resolve(name + ".crt"), chain, StandardCharsets.US_ASCII);
        Path key = dir.resolve(name + ".key");
        Files.writeString(key, pem("PRIVATE KEY", issued.keys().getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return new Path[] {cert, key};
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
