package org.starttls.policyd.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The {@code --smtp HOST:PORT} option of the receiving-side commands. */
final class ListenerAddress {
    private ListenerAddress() {
    }

    /** {@code HOST:PORT} ({@code [v6]:PORT} for IPv6) (a name is resolved by the system). */
    static InetSocketAddress parse(CommandLine cli, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new ParameterException(cli, "--smtp: \"" + text + "\" is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new ParameterException(cli, "--smtp: \"" + text + "\" has no valid port");
        }
        return new InetSocketAddress(host, port);
    }
}
