package org.starttls.policyd.fetcher;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process that installs two pairs alternately, forever, announcing each install, so a
 * test can kill it with SIGKILL at an arbitrary instant. Args: state directory, directory holding
 * a.json(.asc) and b.json(.asc).
 */
final class InstallLoop {
    private InstallLoop() {
    }

    public static void main(String[] args) throws Exception {
        StateDirectory state = new StateDirectory(Path.of(args[0]));
        Path pairs = Path.of(args[1]);
        byte[][] lists = {Files.readAllBytes(pairs.resolve("a.json")), Files.readAllBytes(pairs.resolve("b.json"))};
        byte[][] signatures = {Files.readAllBytes(pairs.resolve("a.json.asc")),
                Files.readAllBytes(pairs.resolve("b.json.asc"))};
        for (long n = 0; ; n++) {
            int which = (int) (n % 2);
            state.install(lists[which], signatures[which]);
            System.out.println("installed " + n);
            System.out.flush();
        }
    }
}
