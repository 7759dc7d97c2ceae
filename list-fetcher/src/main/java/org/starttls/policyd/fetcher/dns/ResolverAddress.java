package org.starttls.policyd.fetcher.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A DNS server address as an admin writes it: an IP literal with an optional port
 * ({@code 192.0.2.53}, {@code 127.0.0.1:5353}, {@code ::1}, {@code [::1]:53}). A name is refused:
 * resolving the resolver would need a resolver.
 */
public final class ResolverAddress {
    public static final int DNS_PORT = 53;

    private ResolverAddress() {
    }

    /** The address; {@link IllegalArgumentException} with the reason when it is not one. */
    public static InetSocketAddress parse(String text) {
        String value = text.strip();
        String host = value;
        int port = DNS_PORT;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("\"" + text + "\" has no closing ']'");
            }
            host = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (!rest.isEmpty()) {
                port = port(rest.startsWith(":") ? rest.substring(1) : "", text);
            }
        } else if (value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':')) {
            host = value.substring(0, value.indexOf(':'));
            port = port(value.substring(value.indexOf(':') + 1), text);
        }
        if (host.isEmpty() || !host.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IP address (a name would need DNS itself)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IP address");
        }
    }

    /** The form {@link #parse} reads: {@code 192.0.2.53:53}, {@code [2001:db8::53]:53}. */
    public static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static int port(String text, String whole) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("\"" + whole + "\" has no valid port");
    }
}
