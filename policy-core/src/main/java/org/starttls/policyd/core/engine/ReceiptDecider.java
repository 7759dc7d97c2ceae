package org.starttls.policyd.core.engine;

/**
 * Decides for a recipient domain at receipt time (policy delegation, milter). It starts from the
 * sources' {@link Decision} (in the daemon: overrides, what DANE and MTA-STS have cached, the list)
 * and may turn {@link Verdict#REQUIRE_TLS} into
 * {@link Verdict#DEFER_DOWNGRADE} when the path to the domain is known to be under attack; the
 * downgrade detector plugs in here, so the receipt-time doors need not know about probing.
 */
@FunctionalInterface
public interface ReceiptDecider {
    Decision decideAtReceipt(String domain);

    /** The list alone, with no downgrade knowledge. */
    static ReceiptDecider listOnly(PolicyEngine engine) {
        return engine::decide;
    }

    /**
     * {@code sources} with the local overrides consulted first: an overridden domain is decided at
     * once, without waiting for MTA-STS ({@code none} exempts it, a {@code secure} override
     * protects it as a listed enforced domain is, {@code encrypt} is tagged).
     */
    static ReceiptDecider withOverrides(Overrides overrides, java.time.Clock clock, ReceiptDecider sources) {
        if (overrides.isEmpty()) {
            return sources;
        }
        return domain -> {
            Decision overridden = overrides.decide(domain, clock.instant());
            return overridden != null ? overridden : sources.decideAtReceipt(domain);
        };
    }
}
