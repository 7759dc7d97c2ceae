package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StateDirectoryTest {
    private static final byte[] LIST_A = "list A".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SIG_A = "signature A".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LIST_B = "list B".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SIG_B = "signature B".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    /** Thrown by the fault hook to stop an install where a crash would. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(InstallStep step) {
            super("crash after " + step);
        }
    }

    private static List<String> entries(Path directory) throws IOException {
        try (Stream<Path> stream = Files.list(directory)) {
            return stream.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void nothingInstalledReadsAsEmpty() throws Exception {
        assertTrue(new StateDirectory(root).readInstalled().isEmpty());
    }

    @Test
    void installedPairReadsBackThroughTheCurrentLink() throws Exception {
        StateDirectory state = new StateDirectory(root);

        InstalledPair installed = state.install(LIST_A, SIG_A);
        InstalledPair read = new StateDirectory(root).readInstalled().orElseThrow();

        assertArrayEquals(LIST_A, read.list());
        assertArrayEquals(SIG_A, read.signature());
        assertEquals(installed.generation(), read.generation());
        assertTrue(Files.isSymbolicLink(root.resolve("current")));
        assertEquals(Path.of("generations", "0000000001"), Files.readSymbolicLink(root.resolve("current")));
        assertEquals(List.of("policy.json", "policy.json.asc"), entries(read.generation()));
    }

    @Test
    void keepsTheCurrentAndThePreviousGenerationOnly() throws Exception {
        StateDirectory state = new StateDirectory(root);
        state.install(LIST_A, SIG_A);
        state.install(LIST_B, SIG_B);
        assertEquals(List.of("0000000001", "0000000002"), entries(root.resolve("generations")));

        state.install(LIST_A, SIG_A);

        assertEquals(List.of("0000000002", "0000000003"), entries(root.resolve("generations")));
        assertArrayEquals(LIST_A, state.readInstalled().orElseThrow().list());
    }

    @ParameterizedTest
    @EnumSource(InstallStep.class)
    void crashAfterAnyStepLeavesACompletePair(InstallStep crashAt) throws Exception {
        new StateDirectory(root).install(LIST_A, SIG_A);
        StateDirectory crashing = new StateDirectory(root, step -> {
            if (step == crashAt) {
                throw new SimulatedCrash(step);
            }
        });

        assertThrows(SimulatedCrash.class, () -> crashing.install(LIST_B, SIG_B));

        InstalledPair after = new StateDirectory(root).readInstalled().orElseThrow();
        boolean committed = crashAt.compareTo(InstallStep.LINK_SWITCHED) >= 0;
        assertTrue(after.sameBytes(committed ? LIST_B : LIST_A, committed ? SIG_B : SIG_A),
                "after a crash at " + crashAt + " the pair is " + new String(after.list(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(InstallStep.class)
    void theInstallAfterACrashCleansUpAndSucceeds(InstallStep crashAt) throws Exception {
        new StateDirectory(root).install(LIST_A, SIG_A);
        StateDirectory crashing = new StateDirectory(root, step -> {
            if (step == crashAt) {
                throw new SimulatedCrash(step);
            }
        });
        assertThrows(SimulatedCrash.class, () -> crashing.install(LIST_B, SIG_B));

        StateDirectory state = new StateDirectory(root);
        InstalledPair installed = state.install(LIST_A, SIG_A);

        assertTrue(state.readInstalled().orElseThrow().sameBytes(LIST_A, SIG_A));
        assertEquals(List.of("current", "generations", "install.lock"), entries(root));
        List<String> generations = entries(root.resolve("generations"));
        assertEquals(2, generations.size(), generations.toString());
        assertEquals(installed.generation().getFileName().toString(), generations.get(1));
        assertFalse(generations.stream().anyMatch(name -> name.startsWith(".")), generations.toString());
    }

    @Test
    void aCurrentThatIsNotALinkIsReportedAsDamage() throws Exception {
        Files.writeString(root.resolve("current"), "not a link");

        StateDirectoryException e = assertThrows(StateDirectoryException.class,
                () -> new StateDirectory(root).readInstalled());
        assertTrue(e.getMessage().contains("is not a symbolic link"), e.getMessage());
    }

    @Test
    void aLinkToAMissingGenerationIsReportedAsDamage() throws Exception {
        Files.createDirectories(root.resolve("generations"));
        Files.createSymbolicLink(root.resolve("current"), Path.of("generations", "0000000009"));

        StateDirectoryException e = assertThrows(StateDirectoryException.class,
                () -> new StateDirectory(root).readInstalled());
        assertTrue(e.getMessage().contains("cannot read the installed list"), e.getMessage());
    }

    @Test
    void aLinkOutsideTheGenerationsIsRefused() throws Exception {
        Files.createDirectories(root.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("current"), Path.of("elsewhere"));

        StateDirectoryException e = assertThrows(StateDirectoryException.class,
                () -> new StateDirectory(root).readInstalled());
        assertTrue(e.getMessage().contains("points outside"), e.getMessage());
    }

    @Test
    void aStateDirectoryThatIsAFileIsReported() throws Exception {
        Path file = root.resolve("state");
        Files.writeString(file, "a file");

        StateDirectoryException e = assertThrows(StateDirectoryException.class,
                () -> new StateDirectory(file).install(LIST_A, SIG_A));
        assertTrue(e.getMessage().startsWith("cannot install the list into " + file), e.getMessage());
    }
}
