package org.starttls.policyd.core.list;

import java.util.Objects;
import java.util.function.Function;

/**
 * The one rendering an immutable value keeps of itself for the door that turns it into answer
 * text ({@link TlsPolicy}, the engine's MTA-STS basis): a policy is asked for on every delivery to
 * its domains and its text changes only with the policy, which then comes as a new value, so it
 * is rendered once, not per request. Racing threads may each render once; they make equal values
 * and the last one is kept.
 */
public final class KeptRendering {
    /** What {@link #of} made, or null. */
    private volatile Object kept;

    /**
     * The rendering of {@code owner} that {@code render} makes, made on first use and kept. One
     * kind of rendering per value ({@code type}); asking for another kind renders again and keeps
     * the newer.
     */
    public <O, T> T of(O owner, Class<T> type, Function<? super O, ? extends T> render) {
        Object made = kept;
        if (type.isInstance(made)) {
            return type.cast(made);
        }
        T rendered = Objects.requireNonNull(render.apply(owner), "rendering");
        kept = rendered;
        return rendered;
    }
}
