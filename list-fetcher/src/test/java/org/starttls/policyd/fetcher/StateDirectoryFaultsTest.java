package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.testing.TestLists;

/**
 * A state directory that cannot be written is reported as a refusal naming the system's reason,
 * and the installed pair stays as it was. Root ignores permission bits, so as root the directory
 * is made read-only or full for real, with a read-only bind mount or a small tmpfs in a private
 * mount namespace of a child JVM.
 */
class StateDirectoryFaultsTest {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path root;
    @TempDir
    Path sources;

    private final ListVerifier verifier = new ListVerifier(ListUpdaterTest.KEY.keyring());
    private final String now = ListUpdaterTest.DAY2.plus(Duration.ofHours(1)).toString();

    private Path keyring() throws Exception {
        return Files.write(sources.resolve("keyring.asc"), ListUpdaterTest.KEY.armoredKeyring());
    }

    private static String run(List<String> command) throws Exception {
        Process child = ChildJvm.start(command);
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        return out;
    }

    @Test
    void readOnlyStateDirectoryIsReportedAndThePairKept() throws Exception {
        TestLists.Signed day1 = ListUpdaterTest.day1();
        new StateDirectory(root).install(day1.list(), day1.signature());
        Path day2 = ListUpdaterTest.day2().writeTo(sources, "policy.json");
        Map<String, String> before = StateSnapshot.of(root);

        if (ROOT) {
            assumeTrue(ChildJvm.canMountPrivately(), "needs a private mount namespace to make a read-only directory as root");
            String out = run(ChildJvm.inMountNamespace(
                    "mount --bind '" + root + "' '" + root + "' && mount -o remount,bind,ro '" + root + "'",
                    ChildJvm.command(UpdateProbe.class, "update", root.toString(), keyring().toString(),
                            day2.toString(), now)));
            assertTrue(out.contains("result: refused (state_directory): cannot install the list into " + root), out);
            assertTrue(out.contains("Read-only file system"), out);
        } else {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("r-xr-xr-x"));
            Files.setPosixFilePermissions(root.resolve("generations"), PosixFilePermissions.fromString("r-xr-xr-x"));
            try {
                UpdateResult result = new ListUpdater(ListSource.files(day2), new HttpListDownloader(FetchSettings.DEFAULTS),
                        verifier, new StateDirectory(root),
                        Clock.fixed(ListUpdaterTest.DAY2.plus(Duration.ofHours(1)), ZoneOffset.UTC)).update();
                UpdateResult.Refused refused = assertInstanceOf(UpdateResult.Refused.class, result);
                assertEquals(RefusalReason.STATE_DIRECTORY, refused.reason());
                assertTrue(refused.message().contains("permission denied"), refused.message());
            } finally {
                Files.setPosixFilePermissions(root.resolve("generations"), PosixFilePermissions.fromString("rwx------"));
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            }
        }
        assertEquals(before, StateSnapshot.of(root));
    }

    @Test
    void fullStateDirectoryIsReportedAndThePairKept() throws Exception {
        assumeTrue(ChildJvm.canMountPrivately(), "needs a private mount namespace to mount a small file system");
        Path day1 = ListUpdaterTest.day1().writeTo(sources, "day1.json");
        Path day2 = ListUpdaterTest.day2().writeTo(sources, "policy.json");

        String out = run(ChildJvm.inMountNamespace("mount -t tmpfs -o size=256k tmpfs '" + root + "'",
                ChildJvm.command(UpdateProbe.class, "fill-then-update", root.toString(), keyring().toString(),
                        day2.toString(), now, day1.toString())));

        assertTrue(out.contains("result: refused (state_directory): cannot install the list into " + root), out);
        assertTrue(out.contains("No space left on device"), out);
        assertTrue(out.contains("unchanged: true"), out);
    }
}
