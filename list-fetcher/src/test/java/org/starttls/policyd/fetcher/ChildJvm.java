package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test main class in a new JVM with this test's classpath. */
final class ChildJvm {
    private ChildJvm() {
    }

    static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xshare:auto");
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Whether this user may make a private mount namespace and mount tmpfs in it (root, or user namespaces). */
    static boolean canMountPrivately() {
        try {
            Process probe = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt")
                    .redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code sh -c script} in a private mount namespace, then this JVM's command: mounts vanish with it. */
    static List<String> inMountNamespace(String script, List<String> javaCommand) {
        StringBuilder exec = new StringBuilder(script).append(" && exec");
        for (String word : javaCommand) {
            exec.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        return List.of("unshare", "-m", "sh", "-c", exec.toString());
    }
}
