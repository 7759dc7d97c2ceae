package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;

/**
 * Who the files written into a state directory must belong to. {@code sudo policyctl update} runs
 * as root, but the daemon that prunes old generations and rewrites the fetch state runs as the
 * directory's owner: so when root writes into a directory another user owns, every file, directory
 * and link it creates is handed to that owner and group before it becomes visible (before a
 * generation is sealed, before a rename), and a crash never leaves a root-owned generation behind.
 * For any other writer (the daemon itself, a user in their own directory) nothing changes.
 */
final class StateOwnership {
    private static final StateOwnership NONE = new StateOwnership(null, null);

    private final UserPrincipal owner;
    private final GroupPrincipal group;

    private StateOwnership(UserPrincipal owner, GroupPrincipal group) {
        this.owner = owner;
        this.group = group;
    }

    /** The ownership files in {@code root} get; nothing to do unless root writes into another user's directory. */
    static StateOwnership of(Path root) throws IOException {
        if (!runningAsRoot() || !Files.isDirectory(root)) {
            return NONE;
        }
        PosixFileAttributes attributes;
        Object uid;
        try {
            attributes = Files.readAttributes(root, PosixFileAttributes.class);
            uid = Files.getAttribute(root, "unix:uid");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // No POSIX owners here: nothing to hand over.
            return NONE;
        }
        return Integer.valueOf(0).equals(uid) ? NONE : new StateOwnership(attributes.owner(), attributes.group());
    }

    /** Hands {@code path} (a link itself, not its target) to the directory's owner and group. */
    void apply(Path path) throws IOException {
        if (owner == null) {
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        try {
            view.setOwner(owner);
            view.setGroup(group);
        } catch (IOException e) {
            throw new IOException("cannot hand " + path + " to the state directory's owner " + owner.getName()
                    + " (" + StateDirectory.describe(e) + "); run the command as that user instead: sudo -u "
                    + owner.getName() + " policyctl update ...", e);
        }
    }

    private static boolean runningAsRoot() {
        try {
            // /proc/self belongs to the process's effective user.
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
