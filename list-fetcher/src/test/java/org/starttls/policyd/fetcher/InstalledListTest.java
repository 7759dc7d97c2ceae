package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

/** What a state directory holds, verified again: a list, nothing, or a copy that cannot be used and why. */
class InstalledListTest {
    @TempDir
    Path root;

    private final ListVerifier verifier = new ListVerifier(ListUpdaterTest.KEY.keyring());

    @Test
    void nothingInstalledIsNoListAndNoProblem() {
        InstalledList installed = InstalledList.read(new StateDirectory(root), verifier);

        assertNull(installed.list());
        assertNull(installed.problem());
        assertTrue(installed.nothingInstalled());
    }

    @Test
    void aVerifiedInstalledPairIsTheList() throws Exception {
        TestLists.Signed pair = ListUpdaterTest.day1();
        new StateDirectory(root).install(pair.list(), pair.signature());

        InstalledList installed = InstalledList.read(new StateDirectory(root), verifier);

        assertEquals(ListUpdaterTest.DAY1, installed.list().list().timestamp());
        assertNull(installed.problem());
    }

    @Test
    void anInstalledPairThatNoLongerVerifiesIsAProblemNotAList() throws Exception {
        TestLists.Signed pair = ListUpdaterTest.day1();
        InstalledPair written = new StateDirectory(root).install(pair.list(), pair.signature());
        // Someone edited the installed list by hand.
        Files.writeString(written.generation().resolve(StateDirectory.LIST_FILE),
                new String(pair.list(), java.nio.charset.StandardCharsets.UTF_8).replace("mx.a.example", "mx.z.example"));

        InstalledList installed = InstalledList.read(new StateDirectory(root), verifier);

        assertNull(installed.list());
        assertTrue(installed.problem().startsWith("the installed list does not verify ("), installed.problem());
    }

    @Test
    void anInstalledPairSignedByAnotherKeyIsAProblem() throws Exception {
        TestLists.Signed pair = TestLists.signed(TestKeys.other(), ListUpdaterTest.DAY1, ListUpdaterTest.day1().list());
        new StateDirectory(root).install(pair.list(), pair.signature());

        InstalledList installed = InstalledList.read(new StateDirectory(root), verifier);

        assertNull(installed.list());
        assertTrue(installed.problem().contains("signature check failed"), installed.problem());
    }

    @Test
    void aDamagedLayoutIsAProblemThatSaysSo() throws Exception {
        Files.writeString(root.resolve(StateDirectory.CURRENT_LINK), "not a link");

        InstalledList installed = InstalledList.read(new StateDirectory(root), verifier);

        assertNull(installed.list());
        assertTrue(installed.problem().startsWith("the installed list cannot be read"), installed.problem());
    }
}
