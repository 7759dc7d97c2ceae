package org.starttls.policyd.server.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The files of one private Sendmail instance: a {@code sendmail.mc} built from Sendmail's own
 * {@code cf/} macros (m4 turns it into {@code sendmail.cf}), its queue directory, alias file,
 * service switch and hosts file. Everything lives under the instance directory; nothing in
 * {@code /etc/mail} is read or written.
 */
final class SendmailConfig {
    /** Sendmail's own name ($j); dotted, so it never waits to qualify it. */
    static final String HOSTNAME = "sendmail-e2e.localhost";

    private final Path root;
    private final Path cfDirectory;
    private final int smtpdPort;
    private final Set<String> loopbackNames = new LinkedHashSet<>();
    private final Map<String, String> milters = new LinkedHashMap<>();
    private final List<String> inputMilters = new ArrayList<>();
    private final Map<Integer, List<String>> extraListeners = new LinkedHashMap<>();
    private int deliveryPort = 25;
    private String stsMap;
    private Path trustedCertificates;

    SendmailConfig(Path root, Path cfDirectory, int smtpdPort) {
        this.root = root;
        this.cfDirectory = cfDirectory;
        this.smtpdPort = smtpdPort;
    }

    Path mcFile() {
        return root.resolve("sendmail.mc");
    }

    Path cfFile() {
        return root.resolve("sendmail.cf");
    }

    Path queueDirectory() {
        return root.resolve("queue");
    }

    Path aliasFile() {
        return root.resolve("aliases");
    }

    /** Sendmail's -X trace: every SMTP line it sends and receives, its only log here (no syslog). */
    Path traceFile() {
        return root.resolve("smtp-trace.log");
    }

    List<String> loopbackNames() {
        return List.copyOf(loopbackNames);
    }

    void addLoopbackName(String hostname) {
        loopbackNames.add(hostname);
    }

    void deliverToPort(int port) {
        deliveryPort = port;
    }

    void stsMap(String definition) {
        stsMap = Objects.requireNonNull(definition);
    }

    void trustCertificates(Path pemFile) {
        trustedCertificates = Objects.requireNonNull(pemFile);
    }

    /** A mail filter; {@code equates} as in {@code INPUT_MAIL_FILTER}: {@code S=inet:PORT@HOST, F=T, T=...}. */
    void addMilter(String name, String equates, boolean forEveryListener) {
        milters.put(name, equates);
        if (forEveryListener) {
            inputMilters.add(name);
        }
    }

    void addListener(int port, List<String> milterNames) {
        extraListeners.put(port, List.copyOf(milterNames));
    }

    void write() throws IOException {
        Files.createDirectories(queueDirectory());
        Files.writeString(aliasFile(), "postmaster: root\n");
        // Host names from the hosts file only: with "dns" here Sendmail would look up MX records.
        Files.writeString(serviceSwitch(), "hosts files\naliases files\n");
        Files.writeString(mcFile(), mc());
    }

    private Path serviceSwitch() {
        return root.resolve("service.switch");
    }

    String mc() {
        StringBuilder mc = new StringBuilder();
        mc.append("divert(-1)\n# A private Sendmail for the starttls-policyd end-to-end tests.\ndivert(0)dnl\n");
        line(mc, "include", cfDirectory.resolve("m4/cf.m4").toString());
        line(mc, "VERSIONID", "starttls-policyd e2e");
        line(mc, "OSTYPE", "linux");
        define(mc, "confDOMAIN_NAME", HOSTNAME);
        define(mc, "confDONT_PROBE_INTERFACES", "true"); // else it looks up every interface's address
        define(mc, "confSERVICE_SWITCH_FILE", serviceSwitch().toString());
        define(mc, "confHOSTS_FILE", root.resolve("etc/hosts").toString());
        // The resolver is unreachable on purpose: an AAAA lookup then fails "temporarily", and
        // without this Sendmail defers instead of using the A record from the hosts file.
        define(mc, "confBIND_OPTS", "WorkAroundBrokenAAAA");
        define(mc, "QUEUE_DIR", queueDirectory().toString());
        define(mc, "confPID_FILE", root.resolve("sendmail.pid").toString());
        define(mc, "ALIAS_FILE", aliasFile().toString());
        define(mc, "STATUS_FILE", root.resolve("statistics").toString());
        // The instance lives under /tmp (world-writable): accept its alias database there.
        define(mc, "confDONT_BLAME_SENDMAIL", "MapInUnsafeDirPath");
        // No host status cache between attempts: each retry really connects again.
        define(mc, "confHOST_STATUS_DIRECTORY", "");
        // A busy build machine must not make Sendmail queue or refuse instead of delivering.
        define(mc, "confQUEUE_LA", "1000");
        define(mc, "confREFUSE_LA", "1000");
        // Every destination is the test's receiver: the recipient domain, resolved to 127.0.0.1,
        // on the receiver's port. The host name Sendmail connects to stays the domain.
        for (String mailer : List.of("SMTP", "ESMTP", "SMTP8", "DSMTP", "RELAY")) {
            define(mc, mailer + "_MAILER_ARGS", "TCP $h " + deliveryPort);
        }
        if (trustedCertificates != null) { // the CAs a receiver's certificate must chain to
            define(mc, "confCACERT", trustedCertificates.toString());
            define(mc, "confCACERT_PATH", trustedCertificates.getParent().toString());
        }
        if (stsMap != null) {
            line(mc, "FEATURE", "sts", stsMap);
        }
        milters.forEach((name, equates) -> line(mc, "MAIL_FILTER", name, equates));
        if (!inputMilters.isEmpty()) {
            define(mc, "confINPUT_MAIL_FILTERS", String.join(",", inputMilters));
        }
        line(mc, "FEATURE", "no_default_msa");
        line(mc, "DAEMON_OPTIONS", "Port=" + smtpdPort + ", Addr=127.0.0.1, Name=MTA");
        extraListeners.forEach((port, names) -> line(mc, "DAEMON_OPTIONS", "Port=" + port
                + ", Addr=127.0.0.1, Name=MTA-" + port + ", InputMailFilters=" + String.join(";", names)));
        line(mc, "MAILER", "smtp");
        return mc.toString();
    }

    private static void define(StringBuilder mc, String name, String value) {
        line(mc, "define", name, value);
    }

    /** One m4 macro call with every argument quoted: {@code NAME(`a', `b')dnl}. */
    private static void line(StringBuilder mc, String macro, String... args) {
        mc.append(macro).append('(');
        for (int i = 0; i < args.length; i++) {
            if (args[i].contains("`") || args[i].contains("'")) {
                throw new IllegalArgumentException("m4 quote characters in " + args[i]);
            }
            mc.append(i == 0 ? "" : ", ").append('`').append(args[i]).append('\'');
        }
        mc.append(")dnl\n");
    }
}
