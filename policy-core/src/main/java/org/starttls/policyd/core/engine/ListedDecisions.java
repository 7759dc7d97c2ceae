package org.starttls.policyd.core.engine;

import org.starttls.policyd.core.VerifiedList;

/**
 * The decisions one engine made for the listed domains of one list, kept per domain (by the list's
 * slot for it). A listed domain is asked for on every delivery to it and, while its list is active
 * and not expired, decided the same way every time (by its mode and the engine's settings, both
 * fixed), so the decision is made once, not per request: the doors' common case for a listed
 * domain allocates nothing. Decisions of an expired list are not kept. Filled without locks, as
 * the list's decoded policies are: a slot holds null or an immutable decision, and threads racing
 * on one slot store equal values.
 */
final class ListedDecisions {
    private final VerifiedList list;
    private final Decision[] bySlot;

    ListedDecisions(VerifiedList list) {
        this.list = list;
        this.bySlot = new Decision[list.list().slots()];
    }

    /** Whether these are the decisions for {@code active} (the very list: a new install is a new list). */
    boolean keptFor(VerifiedList active) {
        return list == active;
    }

    /** The decision kept for the domain at {@code slot}, or null. */
    Decision at(int slot) {
        return bySlot[slot];
    }

    void keep(int slot, Decision decision) {
        bySlot[slot] = decision;
    }
}
