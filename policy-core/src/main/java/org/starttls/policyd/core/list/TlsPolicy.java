package org.starttls.policyd.core.list;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What the list says about one domain: its mode and the MX patterns its servers must match. The
 * alias name is kept only so output can say where a policy came from.
 *
 * <p>A value (equal when mode, patterns and alias are) that also keeps one rendering of itself
 * ({@link #rendering}): the list decodes a domain's policy once and hands out the same object on
 * every lookup, so a door renders each policy's answer once.
 */
public final class TlsPolicy extends KeptRendering<TlsPolicy> {
    private final PolicyMode mode;
    private final List<MxPattern> mxs;
    private final String aliasName;

    public TlsPolicy(PolicyMode mode, List<MxPattern> mxs, String aliasName) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.mxs = List.copyOf(mxs);
        if (this.mxs.isEmpty()) {
            // An empty match= list is a syntax error for Postfix: refuse it here, once.
            throw new IllegalArgumentException("a policy needs at least one MX pattern");
        }
        this.aliasName = aliasName;
    }

    /** A policy whose patterns were validated at parse time; the list is taken as is (not copied). */
    static TlsPolicy trusted(PolicyMode mode, List<MxPattern> mxs) {
        return new TlsPolicy(mode, Collections.unmodifiableList(mxs), null, true);
    }

    private TlsPolicy(PolicyMode mode, List<MxPattern> mxs, String aliasName, boolean trusted) {
        this.mode = mode;
        this.mxs = mxs;
        this.aliasName = aliasName;
    }

    public PolicyMode mode() {
        return mode;
    }

    public List<MxPattern> mxs() {
        return mxs;
    }

    /** The policy-alias this policy was taken from, or null when the domain had its own. */
    public String aliasName() {
        return aliasName;
    }

    /** Same policy, recorded as reached through {@code alias}. */
    public TlsPolicy viaAlias(String alias) {
        return new TlsPolicy(mode, mxs, alias);
    }

    /** Whether {@code host} matches one of the patterns. */
    public boolean allowsMx(String host) {
        for (MxPattern pattern : mxs) {
            if (pattern.matches(host)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TlsPolicy)) {
            return false;
        }
        TlsPolicy that = (TlsPolicy) other;
        return mode == that.mode && mxs.equals(that.mxs) && Objects.equals(aliasName, that.aliasName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, mxs, aliasName);
    }

    @Override
    public String toString() {
        return mode.wireName() + " " + mxs + (aliasName == null ? "" : " (alias " + aliasName + ")");
    }
}
