package org.starttls.policyd.cli;

import java.net.InetSocketAddress;
import org.starttls.policyd.server.receiving.Postconf;

/** The first inet smtpd service of master.cf ({@code postconf -M}), as an address to connect to. */
final class SmtpdListener {
    private SmtpdListener() {
    }

    static InetSocketAddress find(Postconf postconf) throws Postconf.PostfixException {
        for (String entry : postconf.masterServices()) {
            String[] fields = entry.strip().split("\\s+");
            if (fields.length >= 8 && fields[1].equals("inet") && fields[7].equals("smtpd")) {
                return address(fields[0]);
            }
        }
        throw new Postconf.PostfixException("master.cf has no inet smtpd service");
    }

    /** {@code smtp}, {@code 2525}, {@code 127.0.0.1:smtp}, {@code 127.0.0.1:2525}: loopback unless a host is named. */
    static InetSocketAddress address(String service) {
        int colon = service.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : service.substring(0, colon);
        String port = colon < 0 ? service : service.substring(colon + 1);
        if (host.isEmpty() || host.equals("*") || host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        int number = port.equals("smtp") ? 25 : port.chars().allMatch(Character::isDigit) ? Integer.parseInt(port) : 25;
        return new InetSocketAddress(host.replace("[", "").replace("]", ""), number);
    }
}
