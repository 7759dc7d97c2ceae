package org.starttls.policyd.fetcher.testworld.dnssec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** NSD serving the world's zones on a loopback port, run in the foreground from the world's directory. */
final class NsdServer implements AutoCloseable {
    private final ExternalProcess process;
    private final InetSocketAddress address;

    private NsdServer(ExternalProcess process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** {@code zoneFiles}: zone name ("" for the root) to its file. */
    static NsdServer start(DnssecTools tools, Path directory, Map<String, Path> zoneFiles, int port) {
        Path config = directory.resolve("nsd.conf");
        StringBuilder text = new StringBuilder();
        text.append("server:\n")
                .append("  ip-address: 127.0.0.1@").append(port).append('\n')
                .append("  port: ").append(port).append('\n')
                .append("  do-ip6: no\n")
                .append("  username: \"\"\n")
                .append("  chroot: \"\"\n")
                .append("  server-count: 1\n")
                .append("  zonesdir: \"").append(directory).append("\"\n")
                .append("  database: \"\"\n")
                .append("  zonelistfile: \"").append(directory.resolve("nsd.zonelist")).append("\"\n")
                .append("  xfrdfile: \"").append(directory.resolve("nsd.xfrd")).append("\"\n")
                .append("  xfrdir: \"").append(directory).append("\"\n")
                .append("  pidfile: \"").append(directory.resolve("nsd.pid")).append("\"\n")
                .append("  logfile: \"").append(directory.resolve("nsd.log")).append("\"\n")
                .append("  verbosity: 1\n")
                .append("remote-control:\n  control-enable: no\n");
        zoneFiles.forEach((zone, file) -> text.append("zone:\n  name: \"").append(zone).append(".\"\n")
                .append("  zonefile: \"").append(file).append("\"\n"));
        try {
            Files.writeString(config, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExternalProcess process = ExternalProcess.start("nsd",
                List.of(tools.nsd().toString(), "-d", "-c", config.toString()),
                directory, directory.resolve("nsd.log"));
        return new NsdServer(process, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    ExternalProcess process() {
        return process;
    }

    InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        process.close();
    }
}
