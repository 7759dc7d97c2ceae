package org.starttls.policyd.core.engine;

/**
 * Decides for a recipient domain at receipt time (policy delegation, milter). It starts from the
 * list's {@link Decision} and may turn {@link Verdict#REQUIRE_TLS} into
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
}
