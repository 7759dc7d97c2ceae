package org.starttls.policyd.fetcher.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.fetcher.testworld.TestCa;

class PolicyHostTrustTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryCertificateOfABundleWithCommentsBetween() throws IOException {
        Path bundle = Files.writeString(dir.resolve("bundle.pem"), "# first\n" + TestCa.create().rootPem()
                + "\n# second CA\n" + TestCa.create().rootPem());

        PolicyHostTrust trust = PolicyHostTrust.pemBundle(bundle);

        assertEquals(bundle + " (2 certificates)", trust.description());
    }

    @Test
    void refusesAFileWithoutCertificatesNamingIt() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "# nothing here\n");
        Path missing = dir.resolve("missing.pem");

        IOException error = assertThrows(IOException.class, () -> PolicyHostTrust.pemBundle(empty));
        assertTrue(error.getMessage().contains("empty.pem"), error.getMessage());
        assertThrows(IOException.class, () -> PolicyHostTrust.pemBundle(missing));
    }

    @Test
    void theJdkStoreLoads() {
        assertEquals("the JDK's trust store", PolicyHostTrust.jdkDefault().description());
    }
}
