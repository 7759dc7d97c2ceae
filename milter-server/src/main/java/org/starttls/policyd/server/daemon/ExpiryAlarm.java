package org.starttls.policyd.server.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.server.config.SettingNames;

/**
 * Raises the alarm at the moment the active list expires, when what the daemon enforces changes
 * without any event of its own (the engine only compares the clock on each lookup). One alarm is
 * armed at a time, for the list and rules last published; it runs on the control plane's thread.
 */
final class ExpiryAlarm {
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Consumer<String> alarm;
    private ScheduledFuture<?> armed;
    /** Whether live MTA-STS answers too, for the sentence the alarm logs. */
    private boolean mtaSts;

    /** @param alarm receives the sentence to log at ERROR when the list expires */
    ExpiryAlarm(ScheduledExecutorService executor, Clock clock, Consumer<String> alarm) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.alarm = Objects.requireNonNull(alarm, "alarm");
    }

    /** Arms the alarm for {@code list} (none when it is null or already expired), replacing the previous one. */
    synchronized void watch(VerifiedList list, EngineSettings rules) {
        watch(list, rules, false);
    }

    /** Arms the alarm for {@code list}'s expiry; {@code mtaSts}: whether live MTA-STS answers too (for the sentence). */
    synchronized void watch(VerifiedList list, EngineSettings rules, boolean mtaSts) {
        this.mtaSts = mtaSts;
        disarm();
        if (list == null || list.list().isExpiredAt(clock.instant())) {
            return;
        }
        arm(list, rules);
    }

    private void arm(VerifiedList list, EngineSettings rules) {
        Duration left = Duration.between(clock.instant(), list.list().expires());
        try {
            armed = executor.schedule(() -> fire(list, rules), Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            armed = null; // the daemon is stopping
        }
    }

    private synchronized void fire(VerifiedList list, EngineSettings rules) {
        Instant now = clock.instant();
        if (!list.list().isExpiredAt(now)) {
            // The timer ran early against the clock (a clock step): wait for the rest.
            arm(list, rules);
            return;
        }
        armed = null;
        alarm.accept("list: the active list (" + list.source() + ", timestamp " + list.list().timestamp()
                + ") EXPIRED now, at " + list.list().expires() + "; with expired-list: "
                + SettingNames.name(rules.expiredList()) + " policyd is now "
                + Enforcement.of(list, rules, now, mtaSts).describe()
                + ". Fetch a current list (policyctl update / reload) or check the list source.");
    }

    synchronized void disarm() {
        if (armed != null) {
            armed.cancel(false);
            armed = null;
        }
    }
}
