package org.starttls.policyd.server.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.transport.TransportSettings;

/**
 * The settings a reload cannot apply because they are bound into sockets and threads at start:
 * door addresses (and whether a door runs), connection limits, unix socket modes and groups, the admin and metrics endpoints,
 * downgrade detection, the DNS resolver and every MTA-STS setting (the resolver and its cache are
 * built once). Named by their configuration keys.
 */
final class RestartNeeded {
    private RestartNeeded() {
    }

    /** The keys whose values in {@code next} differ from those {@code started} with; empty when none. */
    static List<String> between(DaemonSettings started, DaemonSettings next) {
        List<String> keys = new ArrayList<>();
        door(keys, "socketmap", started.socketmap() == null ? null : started.socketmap().listen(),
                next.socketmap() == null ? null : next.socketmap().listen());
        door(keys, "policy-service", started.policyService() == null ? null : started.policyService().listen(),
                next.policyService() == null ? null : next.policyService().listen());
        door(keys, "milter", started.milter() == null ? null : started.milter().listen(),
                next.milter() == null ? null : next.milter().listen());
        door(keys, "admin", started.admin(), next.admin());
        door(keys, "metrics", started.metrics(), next.metrics());
        limits(keys, started.transport(), next.transport());
        socketFile(keys, "socketmap", started.socketmap() == null ? null : started.socketmap().transport(),
                next.socketmap() == null ? null : next.socketmap().transport());
        socketFile(keys, "policy-service", started.policyService() == null ? null : started.policyService().transport(),
                next.policyService() == null ? null : next.policyService().transport());
        socketFile(keys, "milter", started.milter() == null ? null : started.milter().transport(),
                next.milter() == null ? null : next.milter().transport());
        if (!started.probe().equals(next.probe())) {
            keys.add("probe");
        }
        if (started.socketmap() != null && next.socketmap() != null
                && !started.socketmap().transport().requestTimeout().equals(next.socketmap().transport().requestTimeout())
                && !keys.contains("limits.request-timeout-seconds")) {
            // The door's deadline follows the longest first-contact wait; it is bound at start.
            keys.add("socketmap.maps.*.sts-wait-seconds");
        }
        dnsAndMtaSts(keys, started, next);
        return List.copyOf(keys);
    }

    /** The DNS client and the MTA-STS resolver are built once at start (their cache lives across reloads). */
    private static void dnsAndMtaSts(List<String> keys, DaemonSettings started, DaemonSettings next) {
        if (!Objects.equals(started.dns().resolver(), next.dns().resolver())) {
            keys.add("dns.resolver");
        }
        if (!started.dns().timeout().equals(next.dns().timeout())) {
            keys.add("dns.timeout-ms");
        }
        DaemonSettings.MtaSts a = started.mtaSts();
        DaemonSettings.MtaSts b = next.mtaSts();
        if (a.enabled() != b.enabled()) {
            keys.add("mta-sts.enabled");
        }
        if (!Objects.equals(a.trustStore(), b.trustStore())) {
            keys.add("mta-sts.trust-store");
        }
        if (!a.resolver().txtRecheck().equals(b.resolver().txtRecheck())) {
            keys.add("mta-sts.txt-recheck-seconds");
        }
        if (a.resolver().maxEntries() != b.resolver().maxEntries()) {
            keys.add("mta-sts.cache-size");
        }
        if (!started.dane().equals(next.dane())) {
            keys.add(started.dane().enabled() != next.dane().enabled() ? "dane.enabled" : "dane.validation-check");
        }
    }

    private static void door(List<String> keys, String section, Object startedAddress, Object nextAddress) {
        if ((startedAddress == null) != (nextAddress == null)) {
            keys.add(section + ".enabled");
        } else if (!Objects.equals(startedAddress, nextAddress)) {
            keys.add(section + ".listen");
        }
    }

    /** A door's unix socket mode and group, applied once at bind. */
    private static void socketFile(List<String> keys, String section, TransportSettings started, TransportSettings next) {
        if (started == null || next == null) {
            return;
        }
        if (!started.unixSocketMode().equals(next.unixSocketMode())) {
            keys.add(section + ".socket-mode");
        }
        if (!Objects.equals(started.unixSocketGroup(), next.unixSocketGroup())) {
            keys.add(section + ".socket-group");
        }
    }

    private static void limits(List<String> keys, TransportSettings started, TransportSettings next) {
        int before = keys.size();
        if (started.maxConnections() != next.maxConnections()) {
            keys.add("limits.max-connections");
        }
        if (!started.idleTimeout().equals(next.idleTimeout())) {
            keys.add("limits.idle-timeout-seconds");
        }
        if (!started.requestTimeout().equals(next.requestTimeout())) {
            keys.add("limits.request-timeout-seconds");
        }
        if (keys.size() == before && !started.equals(next)) {
            keys.add("limits");
        }
    }

    /**
     * {@code next} with every restart-only part as it was {@code started}: what actually runs
     * after a reload. A door that {@code next} disables keeps answering with its old settings.
     */
    static DaemonSettings inForce(DaemonSettings started, DaemonSettings next) {
        DaemonSettings.SocketmapDoor socketmap = started.socketmap() == null ? null
                : next.socketmap() == null ? started.socketmap()
                : new DaemonSettings.SocketmapDoor(started.socketmap().listen(), next.socketmap().defaults(),
                        next.socketmap().named(), started.socketmap().transport());
        DaemonSettings.PolicyDoor policy = started.policyService() == null ? null
                : next.policyService() == null ? started.policyService()
                : new DaemonSettings.PolicyDoor(started.policyService().listen(), next.policyService().settings(),
                        started.policyService().transport());
        DaemonSettings.MilterDoor milter = started.milter() == null ? null
                : next.milter() == null ? started.milter()
                : new DaemonSettings.MilterDoor(started.milter().listen(), next.milter().headerName(),
                        started.milter().transport());
        return new DaemonSettings(next.source(), next.engine(), socketmap, policy, milter, started.admin(),
                started.transport(), started.metrics(), started.probe(), started.dns(), started.mtaSts(), next.warnings(),
                started.dane(), next.overrides());
    }
}
