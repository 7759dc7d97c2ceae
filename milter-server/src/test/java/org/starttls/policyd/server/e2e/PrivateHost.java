package org.starttls.policyd.server.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A host name and an {@code /etc/hosts} of a test's own, for one command and everything it starts:
 * the command runs in a new mount and UTS namespace ({@code unshare}) where the test's files are
 * bind-mounted over {@code /etc/hosts} and {@code /etc/resolv.conf}; the machine's own files and
 * name are untouched.
 *
 * <p>Sendmail needs this. Before reading its configuration it qualifies the machine's host name
 * through the C library's resolver, and sleeps 60 seconds when the name has no dot and no dotted
 * alias; and it connects to mail exchangers by the C library's lookup, which reads
 * {@code /etc/hosts}, not the {@code HostsFile} of its configuration. In here the host name is
 * {@link #hostname()}, the test domains are 127.0.0.1, and the only name server is 127.0.0.1, so
 * nothing waits on a real DNS server.
 */
record PrivateHost(String hostname, Path hostsFile, Path resolvConf) {
    /** Runs as {@code sh -c}: $1 host name, $2 hosts file, $3 resolv.conf, then the command. */
    private static final String ENTER = String.join("\n",
            "set -e",
            "hostname \"$1\"",
            "mount --bind \"$2\" /etc/hosts",
            "if [ -e /etc/resolv.conf ]; then mount --bind \"$3\" /etc/resolv.conf; fi",
            "shift 3",
            "exec \"$@\"");

    /**
     * Writes the files under {@code directory}: {@code hostname} and every name in {@code
     * loopbackNames} resolve to 127.0.0.1, each on a line of its own (Sendmail counts the aliases
     * on its own host name's line as local domains), with and without the trailing dot Sendmail
     * looks names up with.
     */
    static PrivateHost write(Path directory, String hostname, List<String> loopbackNames) throws IOException {
        Path etc = Files.createDirectories(directory.resolve("etc"));
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
        List<String> names = new ArrayList<>(List.of(hostname));
        loopbackNames.stream().filter(n -> !names.contains(n)).forEach(names::add);
        for (String name : names) {
            hosts.append("127.0.0.1 ").append(name).append(' ').append(name).append(".\n");
        }
        Path hostsFile = Files.writeString(etc.resolve("hosts"), hosts);
        // Nothing answers on 127.0.0.1:53 (or something local does): either way no query waits.
        Path resolvConf = Files.writeString(etc.resolve("resolv.conf"),
                "nameserver 127.0.0.1\noptions attempts:1 timeout:1\n");
        return new PrivateHost(hostname, hostsFile, resolvConf);
    }

    /** {@code command} inside the private host, as a process that ends when the command ends. */
    List<String> wrap(Path unshare, List<String> command) {
        return wrap(unshare, command, List.of());
    }

    /**
     * {@code command} inside the private host and a PID namespace of its own, whose first process
     * it is: when the returned process (unshare) is killed, the kernel ends every process the
     * command started too, including those that detached themselves.
     */
    List<String> wrapAsContainer(Path unshare, List<String> command) {
        return wrap(unshare, command, List.of("--pid", "--fork", "--kill-child=SIGTERM"));
    }

    private List<String> wrap(Path unshare, List<String> command, List<String> extraNamespaces) {
        List<String> wrapped = new ArrayList<>(
                List.of(unshare.toString(), "--mount", "--uts", "--propagation", "private"));
        wrapped.addAll(extraNamespaces);
        wrapped.addAll(List.of("/bin/sh", "-c", ENTER, "private-host", hostname, hostsFile.toString(),
                resolvConf.toString()));
        wrapped.addAll(command);
        return wrapped;
    }
}
