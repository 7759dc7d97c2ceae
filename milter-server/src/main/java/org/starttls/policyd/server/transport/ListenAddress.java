package org.starttls.policyd.server.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a front door listens: a TCP {@code host:port} or a unix domain socket path. Parsed from the
 * spellings an operator writes in the config file: {@code 127.0.0.1:8461}, {@code localhost:8461},
 * {@code [::1]:8461} and {@code unix:/run/policyd/socketmap.sock}. Port 0 asks the system for a
 * free port (tests use it; the bound port is then read from {@link RunningServer#localAddress()}).
 */
public final class ListenAddress {
    /** {@code sun_path} holds 108 bytes including the terminating NUL on Linux. */
    public static final int MAX_UNIX_PATH_BYTES = 107;

    private final String host;
    private final int port;
    private final Path unixPath;

    private ListenAddress(String host, int port, Path unixPath) {
        this.host = host;
        this.port = port;
        this.unixPath = unixPath;
    }

    public static ListenAddress tcp(String host, int port) {
        String text = host + ":" + port;
        if (host == null || host.isEmpty()) {
            throw invalid(text, "the host is missing (write 0.0.0.0 or [::] to listen on all addresses)");
        }
        if (host.indexOf(' ') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            throw invalid(text, "the host \"" + host + "\" is not a host name or address");
        }
        if (port < 0 || port > 65_535) {
            throw invalid(text, "the port must be between 0 and 65535");
        }
        return new ListenAddress(host, port, null);
    }

    public static ListenAddress unix(Path path) {
        Objects.requireNonNull(path, "path");
        if (!path.isAbsolute()) {
            throw invalid("unix:" + path, "the socket path must be absolute");
        }
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_UNIX_PATH_BYTES) {
            throw invalid("unix:" + path, "the socket path is longer than " + MAX_UNIX_PATH_BYTES + " bytes");
        }
        return new ListenAddress(null, -1, path.normalize());
    }

    /** Parses {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code unix:/absolute/path}. */
    public static ListenAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid(String.valueOf(text), "it is empty");
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("unix:")) {
            String path = trimmed.substring("unix:".length());
            if (path.isEmpty()) {
                throw invalid(text, "the socket path is missing after unix:");
            }
            return unix(Path.of(path));
        }
        String host;
        String portText;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0) {
                throw invalid(text, "the IPv6 address has no closing ]");
            }
            host = trimmed.substring(1, close);
            if (host.isEmpty() || host.indexOf(':') < 0) {
                throw invalid(text, "brackets are for IPv6 addresses");
            }
            if (close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
                throw invalid(text, "expected :PORT after the ]");
            }
            portText = trimmed.substring(close + 2);
        } else {
            int colon = trimmed.lastIndexOf(':');
            if (colon < 0) {
                throw invalid(text, "expected HOST:PORT, [IPv6]:PORT or unix:/path");
            }
            host = trimmed.substring(0, colon);
            if (host.indexOf(':') >= 0) {
                throw invalid(text, "an IPv6 address must be written in brackets: [addr]:PORT");
            }
            portText = trimmed.substring(colon + 1);
        }
        return tcp(host, parsePort(text, portText));
    }

    private static int parsePort(String text, String portText) {
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(text, "the port \"" + portText + "\" is not a number from 0 to 65535");
        }
        return Integer.parseInt(portText);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid listen address \"" + text + "\": " + why);
    }

    public boolean isUnix() {
        return unixPath != null;
    }

    /** The host of a TCP address; throws for a unix socket. */
    public String host() {
        requireTcp();
        return host;
    }

    /** The port of a TCP address (0 = any free port); throws for a unix socket. */
    public int port() {
        requireTcp();
        return port;
    }

    /** The socket file of a unix address; throws for TCP. */
    public Path unixPath() {
        if (unixPath == null) {
            throw new IllegalStateException(this + " is not a unix socket");
        }
        return unixPath;
    }

    private void requireTcp() {
        if (unixPath != null) {
            throw new IllegalStateException(this + " is not a TCP address");
        }
    }

    /** The TCP socket address, resolving the host name now (at bind time). */
    SocketAddress toTcpSocketAddress() {
        requireTcp();
        return new InetSocketAddress(host, port);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ListenAddress)) {
            return false;
        }
        ListenAddress that = (ListenAddress) other;
        return port == that.port && Objects.equals(host, that.host) && Objects.equals(unixPath, that.unixPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, unixPath);
    }

    /** The canonical spelling, which {@link #parse} reads back. */
    @Override
    public String toString() {
        if (unixPath != null) {
            return "unix:" + unixPath;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
