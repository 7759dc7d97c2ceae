package org.starttls.policyd.server.metrics;

import org.starttls.policyd.core.engine.DecisionSource;
import org.starttls.policyd.fetcher.sts.StsFailure;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.fetcher.ListStatus;

/**
 * Renders the meters and a daemon snapshot in the Prometheus text exposition format (version
 * 0.0.4): answers by door and kind, latency histograms per door, list age and time to expiry,
 * update failures, doors up, and overall health.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    private PrometheusText() {
    }

    public static String render(AnswerMeters meters, DaemonSnapshot snapshot) {
        PrometheusText text = new PrometheusText();
        text.answers(meters);
        text.sources(meters);
        text.mtaSts(meters.sts());
        text.dane(meters.dane(), snapshot);
        text.overrides(snapshot);
        text.latency(meters);
        text.list(snapshot);
        text.doors(snapshot);
        return text.out.toString();
    }

    private void answers(AnswerMeters meters) {
        header("policyd_answers_total", "counter", "Answers sent to the MTA, by door and answer.");
        for (DoorMeter door : meters.all()) {
            for (Map.Entry<String, Long> answer : door.answers().entrySet()) {
                out.append("policyd_answers_total{door=\"").append(escape(door.door())).append("\",answer=\"")
                        .append(escape(answer.getKey())).append("\"} ").append(answer.getValue()).append('\n');
            }
        }
    }

    private void sources(AnswerMeters meters) {
        header("policyd_answers_by_source_total", "counter",
                "Decided answers by door and the source that decided (override, dane, mta-sts, list, none).");
        for (DoorMeter door : meters.all()) {
            for (Map.Entry<DecisionSource, Long> source : door.sources().entrySet()) {
                out.append("policyd_answers_by_source_total{door=\"").append(escape(door.door())).append("\",source=\"")
                        .append(source.getKey().wireName()).append("\"} ").append(source.getValue()).append('\n');
            }
        }
    }

    private void overrides(DaemonSnapshot snapshot) {
        gauge("policyd_overrides", "Local overrides loaded from overrides.file (expired ones included).",
                snapshot.overrides());
        gauge("policyd_overrides_expiring", "Local overrides that stop applying within a week.",
                snapshot.overridesExpiring());
    }

    private void dane(DaneMeters dane, DaemonSnapshot snapshot) {
        counter("policyd_dane_lookup_failures_total",
                "Domains whose DANE lookups failed (bogus or unanswered MX RRset): TEMP unless cached.", dane.failures());
        counter("policyd_dane_stale_answers_total",
                "Cached DANE answers served because a refresh failed.", dane.staleAnswers());
        counter("policyd_dane_validation_check_failures_total",
                "Validation checks that found the resolver not validating DNSSEC.", dane.validationFailures());
        gauge("policyd_dane_resolver_not_validating", "1 while DANE is on and its resolver does not validate.",
                snapshot.daneProblem() == null ? 0 : 1);
    }

    private void mtaSts(StsMeters sts) {
        counter("policyd_mta_sts_cache_hits_total", "MTA-STS requests of the doors answered from the cache without waiting.", sts.hits());
        counter("policyd_mta_sts_cache_misses_total", "MTA-STS requests of the doors that found nothing usable cached.", sts.misses());
        gauge("policyd_mta_sts_cache_entries", "MTA-STS policies cached.", sts.entries());
        header("policyd_mta_sts_fetch_failures_total", "counter",
                "Failed MTA-STS TXT lookups and policy fetches, by reason.");
        for (StsFailure kind : StsFailure.values()) {
            out.append("policyd_mta_sts_fetch_failures_total{reason=\"").append(kind.label()).append("\"} ")
                    .append(sts.failures(kind)).append('\n');
        }
        counter("policyd_mta_sts_stale_answers_total",
                "Cached MTA-STS policies served although re-checking or refreshing them failed.", sts.staleAnswers());
        counter("policyd_mta_sts_id_changes_total", "MTA-STS TXT ids that differed from the cached policy's.",
                sts.idChanges());
        counter("policyd_mta_sts_downgrades_total", "New MTA-STS policies weaker than the cached one.",
                sts.downgrades());
    }

    private void counter(String name, String help, long value) {
        header(name, "counter", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private void latency(AnswerMeters meters) {
        header("policyd_answer_duration_seconds", "histogram",
                "Time from a decoded request to its decided answer, by door.");
        for (DoorMeter door : meters.all()) {
            LatencyHistogram histogram = door.latency();
            long count = histogram.count();
            long[] cumulative = histogram.cumulative();
            String label = "door=\"" + escape(door.door()) + "\"";
            for (int i = 0; i < cumulative.length; i++) {
                out.append("policyd_answer_duration_seconds_bucket{").append(label).append(",le=\"")
                        .append(number(LatencyHistogram.BOUNDS_SECONDS[i])).append("\"} ").append(cumulative[i])
                        .append('\n');
            }
            out.append("policyd_answer_duration_seconds_bucket{").append(label).append(",le=\"+Inf\"} ")
                    .append(count).append('\n');
            out.append("policyd_answer_duration_seconds_sum{").append(label).append("} ")
                    .append(number(histogram.sumSeconds())).append('\n');
            out.append("policyd_answer_duration_seconds_count{").append(label).append("} ").append(count)
                    .append('\n');
        }
    }

    private void list(DaemonSnapshot snapshot) {
        VerifiedList active = snapshot.active();
        ListStatus status = snapshot.listStatus();
        if (active != null) {
            gauge("policyd_list_age_seconds", "Seconds since the active list's own timestamp.",
                    Duration.between(active.list().timestamp(), snapshot.now()).getSeconds());
            gauge("policyd_list_expiry_seconds", "Seconds until the active list expires (negative: expired).",
                    Duration.between(snapshot.now(), active.list().expires()).getSeconds());
            gauge("policyd_list_expired", "1 when the active list is past its expiry.",
                    active.list().isExpiredAt(snapshot.now()) ? 1 : 0);
            gauge("policyd_list_domains", "Domains in the active list.", active.list().size());
            gauge("policyd_list_embedded_default", "1 when the active list is the embedded default.",
                    active.embeddedDefault() ? 1 : 0);
        }
        gauge("policyd_list_update_failures_consecutive", "Update attempts refused in a row.",
                status.consecutiveFailures());
        header("policyd_list_update_failures_total", "counter", "Update attempts refused.");
        out.append("policyd_list_update_failures_total ").append(snapshot.totalUpdateFailures()).append('\n');
        if (status.lastSuccess() != null) {
            gauge("policyd_list_last_success_timestamp_seconds", "When an update last succeeded (Unix time).",
                    status.lastSuccess().getEpochSecond());
        }
    }

    private void doors(DaemonSnapshot snapshot) {
        header("policyd_door_up", "gauge", "1 when the door accepts connections.");
        for (DaemonSnapshot.DoorState door : snapshot.doors()) {
            out.append("policyd_door_up{door=\"").append(escape(door.name())).append("\"} ")
                    .append(door.open() ? 1 : 0).append('\n');
        }
        gauge("policyd_healthy", "1 when /health answers 200 (list healthy, every door up).",
                Health.of(snapshot).healthy() ? 1 : 0);
    }

    private void gauge(String name, String help, long value) {
        header(name, "gauge", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private void header(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%s", value);
    }

    /** Label values: backslash, double quote and newline escaped, as the format requires. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
