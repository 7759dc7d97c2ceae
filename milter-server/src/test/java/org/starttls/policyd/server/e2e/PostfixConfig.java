package org.starttls.policyd.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of one private Postfix instance: {@code main.cf}, {@code master.cf}, and the
 * {@code etc/hosts} its chrooted daemons resolve names with. Everything lives under the instance
 * directory; nothing in {@code /etc/postfix} is read or written except Postfix's own package
 * metadata ({@code postfix-files}, {@code dynamicmaps.cf}).
 */
final class PostfixConfig {
    static final String HOSTNAME = "postfix-e2e.localhost";

    /**
     * The services a sending Postfix needs, as in Debian's master.cf; chrooted like Debian's, so the
     * delivery agents resolve host names through {@code $queue_directory/etc/hosts}.
     */
    private static final List<String> BASE_SERVICES = List.of(
            "pickup     unix  n - y 60 1 pickup",
            "cleanup    unix  n - y -  0 cleanup",
            "qmgr       unix  n - n 300 1 qmgr",
            "tlsmgr     unix  - - y 1000? 1 tlsmgr",
            "rewrite    unix  - - y -  - trivial-rewrite",
            "bounce     unix  - - y -  0 bounce",
            "defer      unix  - - y -  0 bounce",
            "trace      unix  - - y -  0 bounce",
            "verify     unix  - - y -  1 verify",
            "flush      unix  n - y 1000? 0 flush",
            "proxymap   unix  - - n -  - proxymap",
            "smtp       unix  - - y -  - smtp",
            "showq      unix  n - y -  - showq",
            "error      unix  - - y -  - error",
            "retry      unix  - - y -  - error",
            "discard    unix  - - y -  - discard",
            "anvil      unix  - - y -  1 anvil",
            "scache     unix  - - y -  1 scache",
            // postlogd writes maillog_file: there is no syslog to rely on.
            "postlog    unix-dgram n - n - 1 postlogd");

    private final Path root;
    private final Map<String, String> main = new LinkedHashMap<>();
    private final List<String> extraServices = new ArrayList<>();
    private final Set<String> localHostNames = new LinkedHashSet<>(List.of("localhost", HOSTNAME));
    private InetAddress nameServer;

    PostfixConfig(Path root, int smtpdPort) {
        this.root = root;
        main.put("compatibility_level", "3.6");
        main.put("config_directory", configDirectory().toString());
        main.put("queue_directory", queueDirectory().toString());
        // Postfix creates it owned by its mail_owner; a pre-made root-owned one stops master.
        main.put("data_directory", root.resolve("data").toString());
        main.put("maillog_file", logFile().toString());
        main.put("maillog_file_prefixes", "/var, /dev/stdout, " + root);
        main.put("myhostname", HOSTNAME);
        main.put("mydomain", "localhost");
        main.put("mydestination", ""); // nothing is local: every domain goes to default_transport
        main.put("relay_domains", "");
        main.put("alias_maps", "");
        main.put("alias_database", "");
        main.put("inet_interfaces", "127.0.0.1");
        main.put("inet_protocols", "ipv4");
        main.put("mynetworks", "127.0.0.0/8");
        main.put("smtpd_peername_lookup", "no");
        main.put("smtp_dns_support_level", "disabled");
        main.put("smtp_host_lookup", "native");
        main.put("append_dot_mydomain", "no");
        main.put("biff", "no");
        extraServices.add("127.0.0.1:" + smtpdPort + " inet n - y - - smtpd");
    }

    Path configDirectory() {
        return root.resolve("conf");
    }

    Path queueDirectory() {
        return root.resolve("queue");
    }

    Path logFile() {
        return root.resolve("postfix.log");
    }

    void setMain(String name, String value) {
        main.put(name, value);
    }

    void addService(String masterCfEntry) {
        extraServices.add(masterCfEntry);
    }

    void addLocalHostName(String hostname) {
        localHostNames.add(hostname);
    }

    /** The DNS server of the chrooted daemons (port 53: the C library's resolver takes no port). */
    void setNameServer(InetAddress address) {
        this.nameServer = address;
    }

    void write() throws IOException {
        Files.createDirectories(configDirectory());
        Path chrootEtc = Files.createDirectories(queueDirectory().resolve("etc"));
        StringBuilder mainCf = new StringBuilder();
        main.forEach((name, value) -> mainCf.append(name).append(" = ").append(value).append('\n'));
        Files.writeString(configDirectory().resolve("main.cf"), mainCf);
        List<String> services = new ArrayList<>(BASE_SERVICES);
        services.addAll(extraServices);
        Files.writeString(configDirectory().resolve("master.cf"), String.join("\n", services) + "\n");
        // The chrooted smtp client resolves next hops here (smtp_host_lookup = native, no DNS).
        Files.writeString(chrootEtc.resolve("hosts"), "127.0.0.1 " + String.join(" ", localHostNames) + "\n");
        Files.writeString(chrootEtc.resolve("nsswitch.conf"), "hosts: files\n");
        if (nameServer != null) {
            // trust-ad: without it glibc (2.31+) clears the AD bit, and Postfix's DANE sees nothing secure.
            Files.writeString(chrootEtc.resolve("resolv.conf"), "nameserver " + nameServer.getHostAddress()
                    + "\noptions trust-ad attempts:1 timeout:5\n");
        }
    }
}
