package org.starttls.policyd.server.daemon;

import java.time.Clock;
import java.util.function.UnaryOperator;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.ReceiptDecider;
import org.starttls.policyd.server.config.DaemonSettings;
import org.starttls.policyd.server.metrics.AnswerMeters;
import org.starttls.policyd.server.milter.MilterServer;
import org.starttls.policyd.server.milter.MilterSettings;
import org.starttls.policyd.server.policy.PolicyResponder;
import org.starttls.policyd.server.policy.PolicyServiceServer;
import org.starttls.policyd.server.receipt.KnownSources;
import org.starttls.policyd.server.socketmap.SocketmapMaps;
import org.starttls.policyd.server.dane.DaneWaiter;
import org.starttls.policyd.server.sts.StsWaiter;
import org.starttls.policyd.server.socketmap.SocketmapResponder;
import org.starttls.policyd.server.socketmap.SocketmapServer;

/**
 * Everything the doors answer from, built as a whole and never changed: the active list (null
 * while none has verified: every lookup is then a tempfail), the settings in force, and each
 * door's responder made from them. The control plane publishes a new one through a single
 * reference on every change; doors read that reference once per request, so a request sees one
 * consistent state and a reload reaches connections that are already open.
 *
 * @param list the active list, or null
 * @param settings the settings in force (restart-only parts as bound at start)
 * @param engine the list under the daemon's engine settings
 * @param socketmap the socketmap door's responder, or null when the door is not running
 * @param policy the policy door's responder, or null when the door is not running
 * @param receipt the receipt-time decisions (overrides, cached DANE and MTA-STS, the list, plus downgrade
 *     knowledge), for the milter door
 * @param milter the milter door's settings, or null when the door is not running
 */
record AnsweringSnapshot(VerifiedList list, DaemonSettings settings, PolicyEngine engine, SocketmapResponder socketmap,
        PolicyResponder policy, ReceiptDecider receipt, MilterSettings milter) {
    /**
     * @param receiptLayer adds downgrade knowledge to the list's receipt-time decisions
     * @param meters where each door counts its answers (shared by every snapshot)
     */
    static AnsweringSnapshot build(VerifiedList list, DaemonSettings settings, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters) {
        return build(list, settings, clock, receiptLayer, meters, null);
    }

    /**
     * @param sts asks MTA-STS before the list (the socketmap door waits for it as {@link StsWaiter}
     *     says; the receipt-time doors take what it knows now, {@link KnownSources}), or null when
     *     MTA-STS is off
     */
    static AnsweringSnapshot build(VerifiedList list, DaemonSettings settings, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters, StsWaiter sts) {
        return build(list, settings, clock, receiptLayer, meters, sts, null);
    }

    /** @param dane asks DANE before MTA-STS (at receipt, what it knows now), or null when DANE is off */
    static AnsweringSnapshot build(VerifiedList list, DaemonSettings settings, Clock clock,
            UnaryOperator<ReceiptDecider> receiptLayer, AnswerMeters meters, StsWaiter sts, DaneWaiter dane) {
        // An engine of its own, never installed into after this: the list and rules travel together.
        PolicyEngine engine = list == null ? new PolicyEngine(clock, settings.engine())
                : new PolicyEngine(clock, settings.engine(), list);
        // Overrides inside the downgrade layer: a secure override is probed like a listed domain.
        ReceiptDecider receipt = receiptLayer.apply(ReceiptDecider.withOverrides(settings.overrides(), clock,
                new KnownSources(engine, sts == null ? null : sts.lookup(), dane == null ? null : dane.lookup())));
        DaemonSettings.SocketmapDoor socketmapDoor = settings.socketmap();
        SocketmapResponder socketmap = socketmapDoor == null ? null : new SocketmapResponder(
                new SocketmapMaps(engine, socketmapDoor.defaults(), socketmapDoor.named(), sts, dane,
                        settings.overrides()),
                meters.door(SocketmapServer.NAME));
        PolicyResponder policy = settings.policyService() == null ? null : new PolicyResponder(receipt,
                settings.policyService().settings(), meters.door(PolicyServiceServer.NAME));
        return new AnsweringSnapshot(list, settings, engine, socketmap, policy, receipt, milterSettings(settings));
    }

    private static MilterSettings milterSettings(DaemonSettings settings) {
        DaemonSettings.MilterDoor door = settings.milter();
        if (door == null) {
            return null;
        }
        return door.tagging() ? MilterSettings.DEFAULTS.withHeaderTagging(true).withHeaderName(door.headerName())
                : MilterSettings.DEFAULTS;
    }
}
