package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

class StartupListTest {
    @TempDir
    Path root;

    private final ListVerifier verifier = new ListVerifier(ListUpdaterTest.KEY.keyring());

    @Test
    void nothingInstalledStartsWithTheEmbeddedDefaultQuietly() {
        StartupList startup = StartupList.load(new StateDirectory(root), verifier, EmbeddedDefault::load);

        assertTrue(startup.list().embeddedDefault());
        assertNull(startup.notice());
    }

    @Test
    void aVerifiedInstalledPairIsUsed() throws Exception {
        TestLists.Signed pair = ListUpdaterTest.day1();
        new StateDirectory(root).install(pair.list(), pair.signature());

        StartupList startup = StartupList.load(new StateDirectory(root), verifier, EmbeddedDefault::load);

        assertFalse(startup.list().embeddedDefault());
        assertEquals(ListUpdaterTest.DAY1, startup.list().list().timestamp());
        assertNull(startup.notice());
    }

    @Test
    void anInstalledPairThatNoLongerVerifiesFallsBackAndSaysSo() throws Exception {
        TestLists.Signed pair = ListUpdaterTest.day1();
        InstalledPair installed = new StateDirectory(root).install(pair.list(), pair.signature());
        // Someone edited the installed list by hand.
        Files.writeString(installed.generation().resolve(StateDirectory.LIST_FILE),
                new String(pair.list(), java.nio.charset.StandardCharsets.UTF_8).replace("mx.a.example", "mx.z.example"));

        StartupList startup = StartupList.load(new StateDirectory(root), verifier, EmbeddedDefault::load);

        assertTrue(startup.list().embeddedDefault());
        assertTrue(startup.notice().startsWith("the installed list does not verify ("), startup.notice());
        assertTrue(startup.notice().endsWith("falling back to the " + EmbeddedDefault.SOURCE), startup.notice());
    }

    @Test
    void anInstalledPairSignedByAnotherKeyFallsBack() throws Exception {
        TestLists.Signed pair = TestLists.signed(TestKeys.other(), ListUpdaterTest.DAY1, ListUpdaterTest.day1().list());
        new StateDirectory(root).install(pair.list(), pair.signature());

        StartupList startup = StartupList.load(new StateDirectory(root), verifier, EmbeddedDefault::load);

        assertTrue(startup.list().embeddedDefault());
        assertTrue(startup.notice().contains("signature check failed"), startup.notice());
    }

    @Test
    void aDamagedLayoutFallsBackAndSaysSo() throws Exception {
        Files.writeString(root.resolve(StateDirectory.CURRENT_LINK), "not a link");

        StartupList startup = StartupList.load(new StateDirectory(root), verifier, EmbeddedDefault::load);

        assertTrue(startup.list().embeddedDefault());
        assertTrue(startup.notice().startsWith("the installed list cannot be read"), startup.notice());
    }
}
