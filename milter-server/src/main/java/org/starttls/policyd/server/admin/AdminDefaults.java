package org.starttls.policyd.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.starttls.policyd.server.transport.ListenAddress;

/**
 * Where the admin endpoint listens unless configured otherwise: a unix socket only the daemon's
 * user (and root) can open, since the endpoint can reload the daemon. policyd ({@code admin.listen})
 * and policyctl ({@code --admin}) compute it here, the same way:
 *
 * <ol>
 *   <li>{@code /run/starttls-policyd/admin.sock} when that directory exists and this user may
 *       write in it (the systemd unit's {@code RuntimeDirectory}; root's policyctl reaches it);
 *   <li>else {@code $XDG_RUNTIME_DIR/starttls-policyd/admin.sock} (a desktop or ssh session: a
 *       checkout run as an ordinary user);
 *   <li>else {@code /tmp/starttls-policyd-USER/admin.sock}.
 * </ol>
 *
 * The daemon creates a missing parent directory with mode 0700 ({@link #prepareDirectory}).
 */
public final class AdminDefaults {
    /** The systemd unit's {@code RuntimeDirectory=starttls-policyd}. */
    public static final Path SYSTEM_DIRECTORY = Path.of("/run/starttls-policyd");
    static final String SOCKET_NAME = "admin.sock";
    static final String DIRECTORY_NAME = "starttls-policyd";
    private static final Path SHARED_TMP = Path.of("/tmp");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path systemDirectory;
    private final UnaryOperator<String> environment;
    private final Path sharedTmp;
    private final String userName;

    AdminDefaults(Path systemDirectory, UnaryOperator<String> environment, Path sharedTmp, String userName) {
        this.systemDirectory = systemDirectory;
        this.environment = environment;
        this.sharedTmp = sharedTmp;
        this.userName = userName;
    }

    /** The default admin address for this process's user and environment. */
    public static ListenAddress address() {
        return new AdminDefaults(SYSTEM_DIRECTORY, System::getenv, SHARED_TMP, System.getProperty("user.name", ""))
                .resolve();
    }

    ListenAddress resolve() {
        if (Files.isDirectory(systemDirectory) && Files.isWritable(systemDirectory)) {
            ListenAddress address = fitting(systemDirectory.resolve(SOCKET_NAME));
            if (address != null) {
                return address;
            }
        }
        String runtime = environment.apply("XDG_RUNTIME_DIR");
        if (runtime != null && runtime.startsWith("/") && Files.isDirectory(Path.of(runtime))) {
            ListenAddress address = fitting(Path.of(runtime, DIRECTORY_NAME, SOCKET_NAME));
            if (address != null) {
                return address;
            }
        }
        return ListenAddress.unix(privateTmpDirectory().resolve(SOCKET_NAME));
    }

    private Path privateTmpDirectory() {
        String safe = userName.replaceAll("[^A-Za-z0-9._-]", "_");
        return sharedTmp.resolve(DIRECTORY_NAME + "-" + (safe.isEmpty() ? "user" : safe));
    }

    private static ListenAddress fitting(Path socket) {
        return socket.toString().getBytes(StandardCharsets.UTF_8).length <= ListenAddress.MAX_UNIX_PATH_BYTES
                ? ListenAddress.unix(socket) : null;
    }

    /**
     * Makes the directory of a unix admin socket ready before binding: created with mode 0700
     * when missing (its own parent must exist). A directory under the shared {@code /tmp} must be
     * this user's and closed to everyone else, or another local user could have put it there to
     * take the socket's place.
     *
     * @throws IOException with the reason when the directory cannot be used
     */
    public static void prepareDirectory(ListenAddress address) throws IOException {
        if (address.isUnix()) {
            prepareDirectory(address.unixPath().getParent(), SHARED_TMP);
        }
    }

    static void prepareDirectory(Path directory, Path sharedTmp) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(directory, OWNER_ONLY); // whatever the umask took away or left
            return;
        }
        refuseUnsafe(directory, sharedTmp);
    }

    /**
     * For {@code --check-config}: refuses what {@link #prepareDirectory} would refuse at start,
     * without creating anything (a missing directory is created at start, so it passes here).
     *
     * @throws IOException with the reason when start could not use the directory
     */
    public static void checkDirectory(ListenAddress address) throws IOException {
        if (address.isUnix()) {
            checkDirectory(address.unixPath().getParent(), SHARED_TMP);
        }
    }

    static void checkDirectory(Path directory, Path sharedTmp) throws IOException {
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            refuseUnsafe(directory, sharedTmp);
        }
    }

    private static void refuseUnsafe(Path directory, Path sharedTmp) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(directory + " is not a directory (the admin socket goes there)");
        }
        if (directory.startsWith(sharedTmp)) {
            int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
            if (owner != me || !OWNER_ONLY.containsAll(mode)) {
                throw new IOException(directory + " belongs to another user or is open to others (mode "
                        + PosixFilePermissions.toString(mode) + "): under " + sharedTmp + " the admin socket's"
                        + " directory must be this user's with mode 0700 (chmod 700 it, remove it to have it"
                        + " created, or set admin.listen elsewhere)");
            }
        }
    }
}
