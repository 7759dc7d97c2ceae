package org.starttls.policyd.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/systemd/starttls-policyd.service} passes {@code systemd-analyze verify} without a
 * single warning, with ExecStart pointed at this checkout's launcher (verify checks that the
 * binary exists). Skipped where systemd-analyze is not installed, unless
 * {@code -Dpolicyd.e2e.required=true} (as {@code .ci/run} sets, after installing it) turns that into
 * a failure. The unit must verify on a machine with neither Postfix nor Sendmail: verify runs
 * {@code man} for every {@code Documentation=man:} page, so the unit names none of another package.
 */
class SystemdUnitTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path UNIT = REPO.resolve("deploy/systemd/starttls-policyd.service");
    private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");
    private static final String PACKAGED_LAUNCHER = "/usr/bin/policyd";
    private static final String REQUIRED_PROPERTY = "policyd.e2e.required";

    @TempDir
    Path dir;

    private record Result(int exit, String output) {
    }

    private Result verify(String execPath) throws Exception {
        requireSystemdAnalyze();
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("ExecStart=" + PACKAGED_LAUNCHER + " --config /etc/starttls-policyd/policyd.yaml\n"));
        Path copy = dir.resolve("starttls-policyd.service");
        Files.writeString(copy, unit.replace("ExecStart=" + PACKAGED_LAUNCHER, "ExecStart=" + execPath));
        Process process = new ProcessBuilder(ANALYZE.toString(), "verify", copy.toString())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "systemd-analyze did not finish");
        return new Result(process.exitValue(), output);
    }

    private static void requireSystemdAnalyze() {
        if (Files.isExecutable(ANALYZE)) {
            return;
        }
        String problem = "systemd-analyze is not installed (" + ANALYZE + ")";
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            fail(problem + ", and -D" + REQUIRED_PROPERTY + "=true demands this test");
        }
        Assumptions.abort(problem + "; skipping (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
    }

    @Test
    void theUnitNamesNoManPageOfAPackageItDoesNotRequire() throws Exception {
        List<String> documentation = Files.readAllLines(UNIT).stream()
                .filter(line -> line.startsWith("Documentation=")).toList();
        assertFalse(documentation.isEmpty(), "the unit says where its documentation is");
        for (String line : documentation) {
            assertFalse(line.contains("man:"), line + ": systemd-analyze verify fails where that page is not installed");
        }
    }

    @Test
    void theUnitVerifiesCleanlyWithTheLauncherOfThisCheckout() throws Exception {
        Path launcher = REPO.resolve("bin/policyd");
        assertTrue(Files.isExecutable(launcher), launcher + " is executable");

        Result result = verify(launcher.toString());

        assertEquals(new Result(0, ""), result, "no error and no warning");
    }

    @Test
    void verificationIsMeaningfulAMissingBinaryFails() throws Exception {
        Result result = verify(dir.resolve("no-such-policyd").toString());

        assertEquals(1, result.exit(), result.output());
        assertTrue(result.output().contains("is not executable"), result.output());
    }

    @Test
    void theUnitHasTheHardeningAndLifecycleTheGuideDocuments() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);
        for (String expected : List.of("User=starttls-policyd", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "StateDirectory=starttls-policyd", "RuntimeDirectory=starttls-policyd", "Restart=on-failure",
                "RestartPreventExitStatus=78", "ExecReload=/bin/kill -HUP $MAINPID", "CapabilityBoundingSet=")) {
            assertTrue(lines.contains(expected), "missing " + expected);
        }
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("MemoryDenyWriteExecute")),
                "the JVM's JIT needs writable executable memory");
    }
}
