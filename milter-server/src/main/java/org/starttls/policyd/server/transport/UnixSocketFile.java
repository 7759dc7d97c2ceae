package org.starttls.policyd.server.transport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Set;

/**
 * The file of a unix socket door: cleared before bind (only a stale socket is ever removed) and
 * given its group and mode right after.
 */
final class UnixSocketFile {
    /** {@code S_IFMT} and {@code S_IFSOCK} from {@code stat(2)}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixSocketFile() {
    }

    /**
     * Makes way for binding {@code path}: nothing there is fine; a socket left by a previous run
     * (nobody accepts on it) is removed; a socket someone still listens on, or any other kind of
     * file, is refused with the reason.
     */
    static void clearStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("cannot listen on unix:" + path + ": a file that is not a socket is in the way");
        }
        if (someoneListens(path)) {
            throw new IOException("cannot listen on unix:" + path + ": another process is listening on it"
                    + " (is policyd already running?)");
        }
        Files.delete(path);
    }

    private static boolean someoneListens(Path path) {
        // A unix socket connect does not wait: it is accepted into the backlog or refused at once.
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sets the group (when given) and then the mode. Between bind and this call the socket has the
     * umask's permissions; connecting needs write permission, which the umasks in use (systemd's
     * 0027, a shell's 0022) give only the owner.
     */
    static void restrict(Path path, Set<PosixFilePermission> mode, String group) throws IOException {
        if (group != null) {
            GroupPrincipal principal;
            try {
                principal = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            } catch (UserPrincipalNotFoundException e) {
                throw new IOException("there is no group \"" + group + "\"", e);
            }
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setGroup(principal);
        }
        Files.setPosixFilePermissions(path, mode);
    }
}
