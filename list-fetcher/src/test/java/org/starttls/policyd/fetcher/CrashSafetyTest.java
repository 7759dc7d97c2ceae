package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.testing.TestLists;

/** A crash at any point of an install leaves a pair that verifies: the old one or the new one. */
class CrashSafetyTest {
    @TempDir
    Path root;
    @TempDir
    Path sources;

    private final ListVerifier verifier = new ListVerifier(ListUpdaterTest.KEY.keyring());
    private final Clock clock = Clock.fixed(ListUpdaterTest.DAY2.plus(Duration.ofHours(1)), ZoneOffset.UTC);

    private UpdateResult update(StateDirectory state, TestLists.Signed pair, String name) {
        Path list = pair.writeTo(sources, name);
        return new ListUpdater(ListSource.files(list), new HttpListDownloader(FetchSettings.DEFAULTS), verifier,
                state, clock).update();
    }

    @ParameterizedTest
    @EnumSource(InstallStep.class)
    void crashDuringAnUpdateLeavesAVerifiablePair(InstallStep crashAt) {
        assertInstanceOf(UpdateResult.Installed.class, update(new StateDirectory(root), ListUpdaterTest.day1(), "day1.json"));
        StateDirectory crashing = new StateDirectory(root, step -> {
            if (step == crashAt) {
                throw new StateDirectoryTest.SimulatedCrash(step);
            }
        });

        // The updater turns an unexpected exception into a refusal; the "crash" is that nothing ran after it.
        UpdateResult crashed = update(crashing, ListUpdaterTest.day2(), "day2.json");
        assertEquals(RefusalReason.INTERNAL_ERROR, ((UpdateResult.Refused) crashed).reason());

        // A restart that names no keyring verifies with the record sealed beside the pair.
        KeyringChoice keys = KeyringChoice.choose(null, new StateDirectory(root));
        assertNull(keys.problem(), keys.description());
        InstalledList restart = InstalledList.read(new StateDirectory(root), new ListVerifier(keys.keyring()));
        assertNull(restart.problem(), "the pair after a crash at " + crashAt + " must verify");
        assertNotNull(restart.list(), "a pair is installed after a crash at " + crashAt);
        boolean committed = crashAt.compareTo(InstallStep.LINK_SWITCHED) >= 0;
        assertEquals(committed ? ListUpdaterTest.DAY2 : ListUpdaterTest.DAY1, restart.list().list().timestamp());

        UpdateResult again = update(new StateDirectory(root), ListUpdaterTest.day2(), "day2.json");
        assertTrue(again.succeeded(), again.describe());
    }

    @Test
    void killingARealProcessMidInstallLeavesAVerifiablePair() throws Exception {
        TestLists.Signed a = ListUpdaterTest.day1();
        TestLists.Signed b = ListUpdaterTest.day2();
        a.writeTo(sources, "a.json");
        b.writeTo(sources, "b.json");
        SplittableRandom random = new SplittableRandom(2026);
        for (int round = 0; round < 4; round++) {
            Process child = ChildJvm.start(ChildJvm.command(InstallLoop.class, root.toString(), sources.toString()));
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                // Let it run a varying number of installs, then kill it wherever it is (SIGKILL: no cleanup runs).
                int installs = 1 + random.nextInt(40);
                for (int i = 0; i < installs; i++) {
                    String line = out.readLine();
                    assertTrue(line != null && line.startsWith("installed "), "child said: " + line);
                }
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }

            InstalledPair pair = new StateDirectory(root).readInstalled().orElseThrow();
            assertTrue(pair.sameBytes(a.list(), a.signature()) || pair.sameBytes(b.list(), b.signature()),
                    "round " + round + ": the installed pair is neither A nor B");
            InstalledList restart = InstalledList.read(new StateDirectory(root), verifier);
            assertNull(restart.problem(), "the installed pair does not verify");
            assertNotNull(restart.list(), "a pair is installed");
        }
        // Whatever the last kill left behind, the next install cleans it up.
        new StateDirectory(root).install(a.list(), a.signature());
        try (var entries = Files.list(root.resolve(StateDirectory.GENERATIONS_DIR))) {
            assertEquals(2, entries.count());
        }
    }

    @Test
    void aFaultHookOutsideTheUpdaterStopsTheInstallLikeACrash() {
        StateDirectory crashing = new StateDirectory(root, step -> {
            throw new StateDirectoryTest.SimulatedCrash(step);
        });
        assertThrows(StateDirectoryTest.SimulatedCrash.class, () -> crashing.install(new byte[1], new byte[1]));
    }
}
