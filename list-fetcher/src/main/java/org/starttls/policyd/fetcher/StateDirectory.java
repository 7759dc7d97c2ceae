package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.signature.PinnedKeyring;

/**
 * The last good list on disk. Layout (see docs/list-updates.md):
 *
 * <pre>
 * STATE/current -> generations/0000000007   symbolic link, the only thing ever switched
 * STATE/generations/0000000007/policy.json
 * STATE/generations/0000000007/policy.json.asc
 * STATE/generations/0000000007/keyring.pgp   the keyring the pair was verified under (see KeyringRecord)
 * STATE/generations/0000000007/keyring.fingerprints
 * STATE/generations/0000000006/...          the previous pair, kept for inspection
 * STATE/fetch-state.properties              ETag/Last-Modified of the installed list
 * STATE/install.lock                        held while installing (daemon and policyctl)
 * </pre>
 *
 * A new pair is written and synced into a temporary directory, sealed by renaming it to its
 * generation number, and made current by renaming a new link over {@code current}. rename(2) is
 * atomic, so after a crash at any instant {@code current} names either the old complete pair or
 * the new one, never a mix. The keyring record is sealed in the same generation, so it always
 * belongs to the pair beside it.
 *
 * <p>When root installs into a directory another user owns ({@code sudo policyctl update}), every
 * file it creates is handed to that owner before it becomes visible (see {@link StateOwnership}).
 */
public final class StateDirectory {
    /** The default state directory as text, for option defaults and help (a compile-time constant). */
    public static final String DEFAULT_PATH_NAME = "/var/lib/starttls-policyd";
    public static final Path DEFAULT_PATH = Path.of(DEFAULT_PATH_NAME);
    public static final String CURRENT_LINK = "current";
    public static final String GENERATIONS_DIR = "generations";
    public static final String LIST_FILE = "policy.json";
    public static final String SIGNATURE_FILE = "policy.json.asc";
    public static final String LOCK_FILE = "install.lock";
    /** Installed files are read back through this bound; the fetcher never installs more. */
    public static final long MAX_INSTALLED_FILE_BYTES = 64L * 1024 * 1024;
    /** The current generation and the one before it. */
    static final int GENERATIONS_KEPT = 2;

    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String TEMP_LINK = CURRENT_LINK + ".tmp";

    private final Path root;
    private final Path generations;
    private final InstallFaultHook faultHook;

    public StateDirectory(Path root) {
        this(root, InstallFaultHook.NONE);
    }

    public StateDirectory(Path root, InstallFaultHook faultHook) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.generations = this.root.resolve(GENERATIONS_DIR);
        this.faultHook = Objects.requireNonNull(faultHook, "faultHook");
    }

    public Path root() {
        return root;
    }

    /** The installed pair, or empty when nothing was ever installed here. */
    public Optional<InstalledPair> readInstalled() throws StateDirectoryException {
        Path link = root.resolve(CURRENT_LINK);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isSymbolicLink(link)) {
            throw new StateDirectoryException(link + " is not a symbolic link; the state directory layout is damaged");
        }
        try {
            // Resolve the link once, so both files come from the same generation.
            Path generation = root.resolve(Files.readSymbolicLink(link)).normalize();
            if (!generation.getParent().equals(generations)) {
                throw new StateDirectoryException(link + " points outside " + generations + ": " + generation);
            }
            return Optional.of(new InstalledPair(generation, readBounded(generation.resolve(LIST_FILE)),
                    readBounded(generation.resolve(SIGNATURE_FILE)), readKeyringRecord(generation)));
        } catch (IOException e) {
            throw new StateDirectoryException("cannot read the installed list in " + root + ": " + describe(e), e);
        }
    }

    /**
     * Installs the pair without a keyring record, as installs did before records were kept (readers
     * that name no keyring then verify it with the embedded default). The updater records one.
     */
    public InstalledPair install(byte[] list, byte[] signature) throws StateDirectoryException {
        return install(list, signature, null);
    }

    /**
     * Installs the pair atomically, with {@code keyring} (the keys it verified under; null for no
     * record) sealed beside it, and returns where it now lives.
     */
    public synchronized InstalledPair install(byte[] list, byte[] signature, PinnedKeyring keyring)
            throws StateDirectoryException {
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(signature, "signature");
        try {
            StateOwnership ownership = StateOwnership.of(root);
            Files.createDirectories(generations);
            // Also heals a generations directory an earlier root-run install left to root.
            ownership.apply(generations);
            Path lockFile = root.resolve(LOCK_FILE);
            try (FileChannel lockChannel = FileChannel.open(lockFile,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ownership.apply(lockFile);
                // Another process (policyctl update beside the daemon) waits here for its turn.
                FileLock lock = lockChannel.lock();
                try {
                    return installLocked(list, signature, keyring, ownership);
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new StateDirectoryException("cannot install the list into " + root + ": " + describe(e), e);
        }
    }

    private InstalledPair installLocked(byte[] list, byte[] signature, PinnedKeyring keyring, StateOwnership ownership)
            throws IOException {
        removeLeftovers();
        long number = highestGeneration() + 1;
        Path temp = generations.resolve(TEMP_PREFIX + number);
        Path sealed = generations.resolve(generationName(number));
        Files.createDirectory(temp);
        KeyringRecord record = null;
        try {
            ownership.apply(temp);
            writeSynced(temp.resolve(LIST_FILE), list, ownership);
            faultHook.reached(InstallStep.LIST_WRITTEN);
            writeSynced(temp.resolve(SIGNATURE_FILE), signature, ownership);
            faultHook.reached(InstallStep.SIGNATURE_WRITTEN);
            if (keyring != null) {
                byte[][] files = KeyringRecord.filesFor(keyring);
                writeSynced(temp.resolve(KeyringRecord.KEYRING_FILE), files[0], ownership);
                writeSynced(temp.resolve(KeyringRecord.FINGERPRINTS_FILE), files[1], ownership);
                record = new KeyringRecord(files[0], files[1], sealed.toString());
            }
            faultHook.reached(InstallStep.KEYRING_WRITTEN);
            syncDirectory(temp);
            Files.move(temp, sealed, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(generations);
            faultHook.reached(InstallStep.GENERATION_SEALED);
            Path tempLink = root.resolve(TEMP_LINK);
            Files.createSymbolicLink(tempLink, root.relativize(sealed));
            ownership.apply(tempLink);
            faultHook.reached(InstallStep.LINK_CREATED);
            Files.move(tempLink, root.resolve(CURRENT_LINK), StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(root);
        } catch (IOException e) {
            // An I/O error (full, read-only) before the commit point: tidy up what we started. A
            // crash skips this; the next install removes its leftovers instead.
            removeLeftoversQuietly(temp, sealed);
            throw e;
        }
        faultHook.reached(InstallStep.LINK_SWITCHED);
        LOG.info("installed list generation {} in {}", sealed.getFileName(), root);
        prune(number);
        faultHook.reached(InstallStep.PRUNED);
        return new InstalledPair(sealed, list, signature, record);
    }

    /**
     * Removes what an install that crashed left behind: the temporary link, temporary directories,
     * and sealed generations newer than {@code current} (never made current).
     */
    private void removeLeftovers() throws IOException {
        Files.deleteIfExists(root.resolve(TEMP_LINK));
        Path current = currentGeneration();
        Long currentNumber = current == null ? Long.valueOf(0) : generationNumber(current);
        for (Path entry : listGenerations()) {
            Long number = generationNumber(entry);
            boolean orphan = number != null && currentNumber != null && number > currentNumber;
            if (entry.getFileName().toString().startsWith(TEMP_PREFIX) || orphan) {
                LOG.info("removing {} left by an interrupted install", entry);
                deleteGeneration(entry);
            }
        }
    }

    private void removeLeftoversQuietly(Path temp, Path sealed) {
        try {
            Files.deleteIfExists(root.resolve(TEMP_LINK));
            if (Files.exists(temp)) {
                deleteGeneration(temp);
            }
            if (Files.exists(sealed) && !sealed.equals(currentGeneration())) {
                deleteGeneration(sealed);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the unfinished install in {}: {}", generations, describe(e));
        }
    }

    /** Deletes sealed generations older than the current one and the one before it. */
    private void prune(long current) {
        try {
            List<Long> numbers = new ArrayList<>();
            for (Path entry : listGenerations()) {
                Long number = generationNumber(entry);
                if (number != null) {
                    numbers.add(number);
                }
            }
            numbers.sort(null);
            for (int i = 0; i < numbers.size() - GENERATIONS_KEPT; i++) {
                if (numbers.get(i) != current) {
                    deleteGeneration(generations.resolve(generationName(numbers.get(i))));
                }
            }
        } catch (IOException e) {
            // The new pair is already current; an old generation left behind costs only space.
            LOG.warn("could not prune old generations in {}: {}", generations, describe(e));
        }
    }

    private Path currentGeneration() throws IOException {
        Path link = root.resolve(CURRENT_LINK);
        return Files.isSymbolicLink(link) ? root.resolve(Files.readSymbolicLink(link)).normalize() : null;
    }

    private long highestGeneration() throws IOException {
        long highest = 0;
        for (Path entry : listGenerations()) {
            Long number = generationNumber(entry);
            if (number != null) {
                highest = Math.max(highest, number);
            }
        }
        return highest;
    }

    private List<Path> listGenerations() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(generations)) {
            stream.forEach(entries::add);
        }
        return entries;
    }

    static String generationName(long number) {
        return String.format("%010d", number);
    }

    private static Long generationNumber(Path entry) {
        String name = entry.getFileName().toString();
        return name.length() == 10 && name.chars().allMatch(c -> c >= '0' && c <= '9') ? Long.valueOf(name) : null;
    }

    private static void deleteGeneration(Path directory) throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path file : stream) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    private static void writeSynced(Path file, byte[] bytes, StateOwnership ownership) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ownership.apply(file);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** The keyring record of {@code generation}, or null when it has none (installed before records). */
    private static KeyringRecord readKeyringRecord(Path generation) throws IOException {
        Path keyring = generation.resolve(KeyringRecord.KEYRING_FILE);
        Path fingerprints = generation.resolve(KeyringRecord.FINGERPRINTS_FILE);
        if (!Files.exists(keyring) && !Files.exists(fingerprints)) {
            return null;
        }
        // One of the two without the other is a damaged record; KeyringRecord.keyring() says so.
        return new KeyringRecord(Files.exists(keyring) ? readBounded(keyring) : new byte[0],
                Files.exists(fingerprints) ? readBounded(fingerprints) : new byte[0], generation.toString());
    }

    /** fsync on a directory makes the names created or renamed in it durable. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static byte[] readBounded(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_INSTALLED_FILE_BYTES) {
            throw new IOException(file + " is " + size + " bytes, over the limit of " + MAX_INSTALLED_FILE_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    /** The system's reason in words an operator can act on ("Read-only file system", "No space left on device"). */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + ((AccessDeniedException) e).getFile();
        }
        if (e instanceof FileSystemException) {
            FileSystemException fse = (FileSystemException) e;
            String reason = fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
            return fse.getFile() + ": " + reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
