package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.testing.TestLists;

/**
 * {@code sudo policyctl update} into the daemon's state directory: root hands every file it writes
 * to the directory's owner, so the daemon (that owner) can prune and rewrite them later.
 */
class StateOwnershipTest {
    @TempDir
    Path parent;
    @TempDir
    Path sources;

    private final Clock clock = Clock.fixed(ListUpdaterTest.DAY2.plus(Duration.ofHours(1)), ZoneOffset.UTC);

    @Test
    void rootWritingIntoAnotherUsersDirectoryLeavesEveryFileToThatUser() throws Exception {
        assumeTrue(isRoot(), "needs root (as CI runs): only root can hand files to another user");
        var lookup = parent.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal nobody = lookup.lookupPrincipalByName("nobody");
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(groupOfNobody());
        Path root = Files.createDirectory(parent.resolve("state"));
        PosixFileAttributeView rootView = Files.getFileAttributeView(root, PosixFileAttributeView.class);
        rootView.setOwner(nobody);
        rootView.setGroup(group);

        for (TestLists.Signed pair : List.of(ListUpdaterTest.day1(), ListUpdaterTest.day2())) {
            Path list = pair.writeTo(sources, "policy.json");
            UpdateResult result = new ListUpdater(ListSource.files(list), new HttpListDownloader(FetchSettings.DEFAULTS),
                    new ListVerifier(ListUpdaterTest.KEY.keyring()), new StateDirectory(root), clock).update();
            assertInstanceOf(UpdateResult.Installed.class, result, result.describe());
        }
        new FetchStateFile(root).write(URI.create("https://lists.example/policy.json"),
                new Validators("\"v1\"", null));

        List<Path> written;
        try (Stream<Path> tree = Files.walk(root)) {
            written = tree.toList();
        }
        assertTrue(written.contains(root.resolve(StateDirectory.LOCK_FILE)), written.toString());
        assertTrue(written.contains(root.resolve(FetchStateFile.FILE_NAME)), written.toString());
        assertTrue(written.stream().anyMatch(p -> p.endsWith(KeyringRecord.KEYRING_FILE)), written.toString());
        for (Path path : written) {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            assertEquals(nobody, view.getOwner(), path + " must belong to the directory's owner");
            assertEquals(group, view.readAttributes().group(), path + " must belong to the directory's group");
        }
    }

    @Test
    void aWriterInItsOwnDirectoryChangesNoOwnership() throws Exception {
        Path root = Files.createDirectory(parent.resolve("own"));
        new StateDirectory(root).install(ListUpdaterTest.day1().list(), ListUpdaterTest.day1().signature(),
                ListUpdaterTest.KEY.keyring());
        UserPrincipal me = Files.getOwner(root);
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.toList()) {
                assertEquals(me, Files.getOwner(path, LinkOption.NOFOLLOW_LINKS), path.toString());
            }
        }
    }

    private static boolean isRoot() throws Exception {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    /** nobody's group is nogroup on Debian, nobody elsewhere. */
    private static String groupOfNobody() throws Exception {
        List<String> groups = Files.readAllLines(Path.of("/etc/group"));
        return groups.stream().anyMatch(line -> line.startsWith("nogroup:")) ? "nogroup" : "nobody";
    }
}
