package org.starttls.policyd.server.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.fetcher.ListStatus;
import org.starttls.policyd.fetcher.UpdateResult;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.server.config.OverrideWarnings;
import org.starttls.policyd.server.config.SettingNames;
import org.starttls.policyd.server.metrics.DoorMeter;
import org.starttls.policyd.server.metrics.Health;
import org.starttls.policyd.server.transport.RunningServer;

/** The daemon's state as JSON, for {@code policyctl status} (field names are part of its interface). */
final class DaemonStatus {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private DaemonStatus() {
    }

    static ObjectNode of(Policyd daemon) {
        ObjectNode root = JSON.objectNode();
        ControlPlane control = daemon.control();
        Instant now = control.clock().instant();
        root.put("now", now.toString());
        root.set("list", list(control.activeList(), daemon.listStatus(), now));
        root.set("health", health(Health.of(daemon.snapshot())));
        Enforcement enforcement = control.enforcement();
        ObjectNode enforcing = root.putObject("enforcing");
        enforcing.put("domains", enforcement.domains());
        enforcing.put("nothing_because", enforcement.nothingBecause());
        enforcing.put("mta_sts", enforcement.mtaSts());
        enforcing.put("summary", enforcement.describe());
        ObjectNode policy = root.putObject("policy");
        policy.put("testing_domains", SettingNames.name(daemon.settings().engine().testingDomains()));
        policy.put("expired_list", SettingNames.name(daemon.settings().engine().expiredList()));
        root.set("overrides", overrides(daemon.settings().overrides(), now));
        ArrayNode doors = root.putArray("doors");
        for (RunningServer server : daemon.servers()) {
            ObjectNode door = doors.addObject();
            door.put("name", server.name());
            door.put("address", server.address().isUnix() ? server.address().toString()
                    : server.address().host() + ":" + server.port());
            door.put("open_connections", server.openConnections());
        }
        ObjectNode answers = root.putObject("answers");
        for (DoorMeter meter : daemon.meters().all()) {
            ObjectNode byKind = answers.putObject(meter.door());
            meter.answers().forEach(byKind::put);
        }
        ObjectNode metrics = root.putObject("metrics");
        metrics.put("listen", daemon.metricsListen());
        metrics.put("port", daemon.metricsPort());
        metrics.put("problem", daemon.metricsProblem());
        return root;
    }

    /**
     * The local overrides: {@code count}, {@code expiring} (the names that stop applying within
     * {@code warn_days}), {@code expired} (names past their day) and {@code warnings} (one sentence each).
     */
    private static ObjectNode overrides(Overrides overrides, Instant now) {
        ObjectNode node = JSON.objectNode();
        node.put("count", overrides.size());
        node.put("warn_days", OverrideWarnings.WARN_BEFORE.toDays());
        ArrayNode expiring = node.putArray("expiring");
        overrides.expiringWithin(now, OverrideWarnings.WARN_BEFORE).forEach(entry -> expiring.add(entry.name()));
        ArrayNode expired = node.putArray("expired");
        overrides.expired(now).forEach(entry -> expired.add(entry.name()));
        ArrayNode warnings = node.putArray("warnings");
        OverrideWarnings.of(overrides, now).forEach(warnings::add);
        return node;
    }

    /**
     * What {@code /health} says: {@code healthy} (its 200), the {@code reasons} for a 503 and the
     * {@code warnings}; the list's own {@code healthy} is stricter, since the expired embedded
     * list is only a warning while MTA-STS protects.
     */
    private static ObjectNode health(Health health) {
        ObjectNode node = JSON.objectNode();
        node.put("healthy", health.healthy());
        ArrayNode reasons = node.putArray("reasons");
        health.reasons().forEach(reasons::add);
        ArrayNode warnings = node.putArray("warnings");
        health.warnings().forEach(warnings::add);
        return node;
    }

    /** The active list; its fields are null (domains 0) while none has verified. */
    private static ObjectNode list(VerifiedList active, ListStatus status, Instant now) {
        ObjectNode list = JSON.objectNode();
        boolean none = active == null;
        list.put("source", none ? null : active.source());
        list.put("embedded_default", !none && active.embeddedDefault());
        list.put("signer", none ? null : active.signature().signerDescription());
        list.put("signed_at", none ? null : active.signature().signatureTime().toString());
        list.put("timestamp", none ? null : active.list().timestamp().toString());
        list.put("expires", none ? null : active.list().expires().toString());
        list.put("expired", !none && active.list().isExpiredAt(now));
        if (none) {
            list.putNull("age_seconds");
        } else {
            list.put("age_seconds", Duration.between(active.list().timestamp(), now).getSeconds());
        }
        list.put("domains", none ? 0 : active.list().size());
        list.put("last_attempt", status.lastAttempt() == null ? null : status.lastAttempt().toString());
        list.put("last_result", status.lastResult());
        list.put("last_success", status.lastSuccess() == null ? null : status.lastSuccess().toString());
        list.put("consecutive_failures", status.consecutiveFailures());
        ArrayNode warnings = list.putArray("warnings");
        status.warnings().forEach(warnings::add);
        list.put("healthy", status.healthy());
        return list;
    }

    /**
     * The admin endpoint's reply to {@code reload}: {@code reloaded} (false when the configuration
     * was refused), {@code config} (applied, unchanged, refused), {@code config_error},
     * {@code restart_needed} (configuration keys), {@code list_result}, {@code list_refused}.
     */
    static ObjectNode ofReload(ReloadOutcome outcome) {
        ObjectNode node = JSON.objectNode();
        node.put("reloaded", outcome.reloaded());
        node.put("config", outcome.config().wireName());
        node.put("config_error", outcome.configError());
        ArrayNode restart = node.putArray("restart_needed");
        outcome.restartNeeded().forEach(restart::add);
        UpdateResult result = outcome.list();
        node.put("list_result", result.describe());
        node.put("list_refused", !result.succeeded());
        return node;
    }
}
