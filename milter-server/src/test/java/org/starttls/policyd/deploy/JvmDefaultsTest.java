package org.starttls.policyd.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM settings the launcher ({@code bin/policyd}) and the systemd unit start the daemon with:
 * this JVM accepts every one of them without a warning, and the two differ only in the heap bound.
 */
class JvmDefaultsTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    private static List<String> launcherOptions() throws Exception {
        return options(REPO.resolve("bin/policyd"), Pattern.compile("(?m)^default_java_opts=\"([^\"]+)\"$"));
    }

    private static List<String> unitOptions() throws Exception {
        return options(REPO.resolve("deploy/systemd/starttls-policyd.service"),
                Pattern.compile("(?m)^Environment=\"POLICYD_JAVA_OPTS=([^\"]+)\"$"));
    }

    private static List<String> options(Path file, Pattern pattern) throws Exception {
        Matcher matcher = pattern.matcher(Files.readString(file));
        assertTrue(matcher.find(), file + " sets " + pattern);
        return Arrays.asList(matcher.group(1).trim().split("\\s+"));
    }

    /** Runs {@code java OPTIONS -version} with this test's JVM; returns its exit status and output. */
    private static String startJvm(List<String> options, String... more) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of(more));
        command.add("-version");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "java -version did not finish");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    private static void assertAcceptedAsWritten(List<String> options) throws Exception {
        String plain = startJvm(options);
        assertTrue(!plain.contains("warning") && !plain.contains("Unrecognized VM option"), plain);
        String output = startJvm(options, "-XX:+PrintFlagsFinal");
        assertTrue(output.matches("(?s).*\\bUseSerialGC\\s+= true\\b.*"), "the serial collector is in use");
        String version = System.getProperty("java.version");
        if (Runtime.version().feature() > 17 || Runtime.version().update() >= 9) {
            // A JDK that knows the option must really trim: IgnoreUnrecognizedVMOptions is only for older ones.
            assertTrue(output.matches("(?s).*\\bTrimNativeHeapInterval\\s+= 2000\\b.*"),
                    "native heap trimming is on in Java " + version);
        }
    }

    @Test
    void theLaunchersDefaultsStartThisJvm() throws Exception {
        assertAcceptedAsWritten(launcherOptions());
    }

    @Test
    void theUnitsSettingsStartThisJvm() throws Exception {
        assertAcceptedAsWritten(unitOptions());
    }

    @Test
    void theUnitAndTheLauncherDifferOnlyInTheHeapBound() throws Exception {
        List<String> launcher = new ArrayList<>(launcherOptions());
        List<String> unit = new ArrayList<>(unitOptions());
        assertTrue(launcher.remove("-Xmx512m"), "launcher bound " + launcher);
        assertTrue(unit.remove("-Xmx256m"), "unit bound " + unit);
        assertEquals(launcher, unit);
    }
}
