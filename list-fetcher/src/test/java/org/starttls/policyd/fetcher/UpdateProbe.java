package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.signature.PinnedKeyring;

/**
 * A child process that runs one update from local files into a state directory it cannot write,
 * inside a mount namespace the test prepared, and prints the result. Args: mode ("update" or
 * "fill-then-update"), state directory, keyring file, list file (signature beside it),
 * clock instant; for fill-then-update also a first list to install before filling the disk.
 */
final class UpdateProbe {
    private UpdateProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path root = Path.of(args[1]);
        ListVerifier verifier = new ListVerifier(PinnedKeyring.read(Path.of(args[2])));
        Clock clock = Clock.fixed(Instant.parse(args[4]), ZoneOffset.UTC);
        StateDirectory state = new StateDirectory(root);
        if (mode.equals("fill-then-update")) {
            Path first = Path.of(args[5]);
            state.install(SourceReader.readFile(first, 1 << 20),
                    SourceReader.readFile(first.resolveSibling(first.getFileName() + ".asc"), 1 << 20));
            fill(root.resolve("filler"));
        }
        Map<String, String> before = StateSnapshot.of(root);
        HttpListDownloader unused = new HttpListDownloader(FetchSettings.DEFAULTS);
        UpdateResult result = new ListUpdater(ListSource.files(Path.of(args[3])), unused, verifier, state, clock).update();
        System.out.println("result: " + result.describe());
        System.out.println("unchanged: " + before.equals(StateSnapshot.of(root)));
    }

    /** Writes zeros until the file system is full. */
    private static void fill(Path filler) throws IOException {
        try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(4096);
            while (true) {
                zeros.clear();
                channel.write(zeros);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }
}
