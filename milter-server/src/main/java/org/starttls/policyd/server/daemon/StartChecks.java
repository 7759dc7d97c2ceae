package org.starttls.policyd.server.daemon;

import java.io.IOException;
import org.starttls.policyd.fetcher.sts.PolicyHostTrust;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.fetcher.InstalledList;
import org.starttls.policyd.fetcher.StateDirectory;
import org.starttls.policyd.server.admin.AdminDefaults;
import org.starttls.policyd.server.config.ConfigException;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.config.DaemonSettings.ListSettings;
import org.starttls.policyd.server.config.DaemonSettings.WhileUnverified;
import org.starttls.policyd.server.probe.TrustAnchors;
import org.starttls.policyd.server.transport.ListenAddress;

/**
 * Everything start refuses that can be checked without starting: the one place both
 * {@link Policyd#start} and {@code policyd --check-config} call, so a configuration the check
 * passes is one start accepts. A configuration error is a {@link ConfigException} (exit 78); an
 * address the doors cannot listen on is an {@link IOException} (exit 71, as when binding fails).
 * What only binding can tell (a port already in use) start finds when it binds; {@code
 * --check-config} binds each TCP address for a moment and warns ({@link #addressesTakenNow}), since
 * the usual holder is the running policyd itself, which a restart stops first.
 *
 * <p>Checks run as the user who runs them: {@code --check-config} run as root can pass a state
 * directory the daemon's own user may not write; run it as that user (the unit's {@code User=}).
 */
public final class StartChecks {
    private StartChecks() {
    }

    /** Throws what start would refuse with; returns normally when start would get past its checks. */
    public static void refuseWhatStartWouldRefuse(DaemonSettings settings) throws ConfigException, IOException {
        ListKeeper.chooseKeyring(settings.source());
        checkStateDirectory(settings.source());
        checkTrustStore(settings);
        checkListenAddresses(settings);
    }

    /**
     * For {@code --check-config}: runs {@link #refuseWhatStartWouldRefuse}, then returns the
     * warnings, none when all is well: each door address that cannot be bound now
     * ({@link #addressesTakenNow}), and one when the daemon would start enforcing nothing or
     * deferring everything. Reads the state directory and verifies the installed list as start
     * does; writes nothing (the addresses are bound for a moment and released).
     */
    public static List<String> checkConfig(DaemonSettings settings, Clock clock) throws ConfigException, IOException {
        refuseWhatStartWouldRefuse(settings);
        List<String> warnings = new ArrayList<>(addressesTakenNow(settings));
        String nothing = whyNothingIsEnforced(settings, clock);
        if (nothing != null) {
            warnings.add(nothing);
        }
        return warnings;
    }

    /**
     * One warning per TCP address a door would listen on that cannot be bound now (in use,
     * or a port this user may not bind), found by binding it for a moment as start does
     * ({@code SO_REUSEADDR}). Port 0 always binds; unix sockets are left to start.
     */
    static List<String> addressesTakenNow(DaemonSettings settings) {
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, ListenAddress> listener : listeners(settings).entrySet()) {
            ListenAddress address = listener.getValue();
            if (address.isUnix() || address.port() == 0) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(address.host(), address.port()));
            } catch (IOException e) {
                warnings.add(listener.getKey() + ": " + address + " cannot be bound now (" + e.getMessage()
                        + "): if the running policyd holds it, a restart frees it first; otherwise start fails"
                        + " with exit 71");
            }
        }
        return warnings;
    }

    /**
     * What start would answer from, judged as {@link StartupLoad} judges it: the installed list if
     * it verifies, else with a source what {@code list.while-unverified} says, else the embedded
     * default. Null when that enforces something.
     */
    private static String whyNothingIsEnforced(DaemonSettings settings, Clock clock) throws ConfigException {
        if (settings.socketmap() == null && settings.policyService() == null && settings.milter() == null) {
            return "this configuration enforces nothing: every door (socketmap, policy-service, milter) is disabled";
        }
        ListSettings source = settings.source();
        boolean fetches = source.url() != null || source.file() != null;
        String from = source.url() != null ? source.url().toString() : String.valueOf(source.file());
        InstalledList installed = InstalledList.read(new StateDirectory(source.stateDir()),
                new ListVerifier(ListKeeper.chooseKeyring(source).keyring()));
        VerifiedList list = installed.list();
        if (list == null && fetches) {
            String why = installed.nothingInstalled() ? "no list is installed in " + source.stateDir() + " yet"
                    : installed.problem();
            if (source.whileUnverified() != WhileUnverified.EMBEDDED_DEFAULT) {
                return "no verified list at start: " + why + "; until a list from " + from
                        + " verifies, every lookup answers TEMP and outgoing mail is deferred"
                        + " (list.while-unverified: tempfail)";
            }
            list = EmbeddedDefault.load();
        } else if (list == null) {
            list = EmbeddedDefault.load();
        }
        Instant now = clock.instant();
        if (!list.list().isExpiredAt(now) || settings.engine().expiredList() != ExpiredList.ENFORCE_NOTHING) {
            return null;
        }
        String which = list.embeddedDefault() ? "the embedded default list" : "the installed list (" + list.source() + ")";
        String after = fetches
                ? "; it enforces again once a fresh list from " + from + " verifies"
                : "; neither list.url nor list.file is set, so no fresher list will come";
        if (settings.mtaSts().enabled()) {
            return "the list enforces nothing: " + which + " expired at " + list.list().expires()
                    + " and policy.expired-list is enforce-nothing" + after + "; only domains that publish MTA-STS are"
                    + " protected, and none before its first policy is fetched";
        }
        return "this configuration enforces nothing: " + which + " expired at " + list.list().expires()
                + " and policy.expired-list is enforce-nothing" + after;
    }

    /** The daemon installs every list it fetches here, so with a source it must be able to write. */
    private static void checkStateDirectory(ListSettings source) throws ConfigException {
        Path dir = source.stateDir();
        boolean writes = source.url() != null || source.file() != null;
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new ConfigException("list.state-dir: " + dir + " is not a directory");
            }
            if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
                throw new ConfigException("list.state-dir: " + dir + " cannot be read");
            }
            if (writes && !Files.isWritable(dir)) {
                throw new ConfigException("list.state-dir: " + dir + " is not writable, so no fetched list could be"
                        + " installed");
            }
            return;
        }
        if (!writes) {
            return; // nothing installed, nothing ever will be: the embedded list is used.
        }
        Path existing = dir.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new ConfigException("list.state-dir: " + dir + " does not exist and cannot be created"
                    + (existing == null ? "" : " (" + existing + " is not a writable directory)"));
        }
    }

    private static void checkTrustStore(DaemonSettings settings) throws ConfigException {
        if (settings.mtaSts().enabled() && settings.mtaSts().trustStore() != null) {
            try {
                PolicyHostTrust.pemBundle(settings.mtaSts().trustStore());
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("mta-sts.trust-store: " + e.getMessage());
            }
        }
        if (!settings.probe().enabled()) {
            return;
        }
        try {
            TrustAnchors.load(settings.probe().trustStore());
        } catch (IOException e) {
            throw new ConfigException("probe.trust-store: " + e.getMessage());
        }
    }

    private static void checkListenAddresses(DaemonSettings settings) throws ConfigException, IOException {
        Map<String, ListenAddress> listeners = listeners(settings);
        List<Map.Entry<String, ListenAddress>> seen = new ArrayList<>();
        for (Map.Entry<String, ListenAddress> listener : listeners.entrySet()) {
            for (Map.Entry<String, ListenAddress> earlier : seen) {
                if (sameEndpoint(earlier.getValue(), listener.getValue())) {
                    throw new ConfigException(earlier.getKey() + " and " + listener.getKey() + " are both "
                            + listener.getValue() + "; each door needs an address of its own");
                }
            }
            seen.add(listener);
            checkListenable(listener.getKey(), listener.getValue());
        }
    }

    /** The doors' listen addresses by setting name, in start's order. */
    private static Map<String, ListenAddress> listeners(DaemonSettings settings) {
        Map<String, ListenAddress> listeners = new LinkedHashMap<>();
        if (settings.socketmap() != null) {
            listeners.put("socketmap.listen", settings.socketmap().listen());
        }
        if (settings.policyService() != null) {
            listeners.put("policy-service.listen", settings.policyService().listen());
        }
        if (settings.milter() != null) {
            listeners.put("milter.listen", settings.milter().listen());
        }
        if (settings.admin() != null) {
            listeners.put("admin.listen", settings.admin());
        }
        return listeners;
    }

    private static boolean sameEndpoint(ListenAddress a, ListenAddress b) {
        if (a.isUnix() || b.isUnix()) {
            return a.equals(b);
        }
        return a.port() != 0 && a.port() == b.port() && a.host().equalsIgnoreCase(b.host());
    }

    private static void checkListenable(String key, ListenAddress address) throws IOException {
        if (address.isUnix()) {
            Path socket = address.unixPath();
            Path parent = socket.getParent();
            if (key.equals("admin.listen") && parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
                // The admin socket's directory is created at start (AdminDefaults), owner-only.
                parent = parent.getParent();
            }
            if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
                throw new IOException(key + ": cannot listen on " + address + ": " + parent
                        + " is not a writable directory");
            }
            if (key.equals("admin.listen")) {
                try {
                    AdminDefaults.checkDirectory(address);
                } catch (IOException e) {
                    throw new IOException(key + ": cannot listen on " + address + ": " + e.getMessage());
                }
            }
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(key + ": cannot listen on " + address + ": a file that is not a socket is in"
                        + " the way");
            }
            return;
        }
        InetAddress host;
        try {
            host = InetAddress.getByName(address.host());
        } catch (UnknownHostException e) {
            throw new IOException(key + ": cannot listen on " + address + ": the host name does not resolve");
        }
        if (!host.isAnyLocalAddress() && !host.isLoopbackAddress() && !isOnThisHost(host)) {
            throw new IOException(key + ": cannot listen on " + address + ": " + host.getHostAddress()
                    + " is not an address of this host");
        }
    }

    private static boolean isOnThisHost(InetAddress host) {
        try {
            return NetworkInterface.getByInetAddress(host) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
