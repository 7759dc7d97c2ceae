package org.starttls.policyd.fetcher.testworld.dnssec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * unbound on a loopback port that knows only the world: the root is a stub pointing at NSD, so it
 * never goes to the network. Validating with the world's root key as trust anchor, or (for the
 * "resolver does not validate" case) with the validator module left out.
 */
final class UnboundResolver implements AutoCloseable {
    private final ExternalProcess process;
    private final InetSocketAddress address;
    private final Path config;

    private UnboundResolver(ExternalProcess process, InetSocketAddress address, Path config) {
        this.process = process;
        this.address = address;
        this.config = config;
    }

    /**
     * {@code trustAnchor}: a file of the root's DS record, or null for a resolver that does not
     * validate; {@code alsoOn}: another local address to answer on too, or null; {@code port53On}: a
     * loopback address to answer on at port 53 too, or null.
     */
    static UnboundResolver start(DnssecTools tools, Path directory, String name, int port,
            InetSocketAddress authoritative, Path trustAnchor, InetAddress alsoOn, InetAddress port53On) {
        Path config = directory.resolve(name + ".conf");
        StringBuilder text = new StringBuilder();
        text.append("server:\n")
                .append("  interface: 127.0.0.1@").append(port).append('\n')
                .append("  port: ").append(port).append('\n')
                .append("  do-ip6: no\n")
                .append("  username: \"\"\n")
                .append("  chroot: \"\"\n")
                .append("  directory: \"").append(directory).append("\"\n")
                .append("  pidfile: \"").append(directory.resolve(name + ".pid")).append("\"\n")
                .append("  logfile: \"").append(directory.resolve(name + ".log")).append("\"\n")
                .append("  use-syslog: no\n")
                .append("  verbosity: 1\n")
                .append("  num-threads: 1\n")
                .append("  access-control: 127.0.0.0/8 allow\n");
        if (alsoOn != null) {
            text.append("  interface: ").append(alsoOn.getHostAddress()).append('@').append(port).append('\n')
                    .append("  access-control: ").append(alsoOn.getHostAddress()).append("/32 allow\n");
        }
        if (port53On != null) {
            // 127.0.0.0/8 is already allowed above.
            text.append("  interface: ").append(port53On.getHostAddress()).append("@53\n");
        }
        text
                // The world's servers are on loopback, which unbound refuses to query by default.
                .append("  do-not-query-localhost: no\n")
                .append("  qname-minimisation: no\n")
                // "test." is a locally served zone by default (RFC 6761); the world delegates it.
                .append("  local-zone: \"test.\" nodefault\n")
                .append("  trust-anchor-signaling: no\n")
                .append("  root-key-sentinel: no\n")
                // Extended DNS Errors tell a bogus answer from other SERVFAILs.
                .append("  ede: yes\n");
        if (trustAnchor != null) {
            text.append("  module-config: \"validator iterator\"\n")
                    .append("  trust-anchor-file: \"").append(trustAnchor).append("\"\n")
                    .append("  val-log-level: 2\n");
        } else {
            text.append("  module-config: \"iterator\"\n");
        }
        text.append("remote-control:\n  control-enable: no\n")
                .append("stub-zone:\n  name: \".\"\n  stub-prime: no\n")
                .append("  stub-addr: ").append(authoritative.getAddress().getHostAddress()).append('@')
                .append(authoritative.getPort()).append('\n');
        try {
            Files.writeString(config, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExternalProcess process = ExternalProcess.start(name,
                List.of(tools.unbound().toString(), "-d", "-c", config.toString()),
                directory, directory.resolve(name + ".log"));
        return new UnboundResolver(process, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), config);
    }

    ExternalProcess process() {
        return process;
    }

    InetSocketAddress address() {
        return address;
    }

    Path config() {
        return config;
    }

    @Override
    public void close() {
        process.close();
    }
}
