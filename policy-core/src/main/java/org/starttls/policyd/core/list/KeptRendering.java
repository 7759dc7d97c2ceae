package org.starttls.policyd.core.list;

import java.util.Objects;
import java.util.function.Function;

/**
 * An immutable value that keeps one rendering of itself for the door that turns it into answer
 * text ({@link TlsPolicy}, the engine's MTA-STS basis): a policy is asked for on every delivery to
 * its domains and its text changes only with the policy, which then comes as a new value, so it is
 * rendered once, not per request. A base class rather than a field holding a helper: the door
 * reaches the rendering on every request, and a helper would be one more object to reach, likely
 * not in the processor's cache. Racing threads may each render once; they make equal values and
 * the last one is kept. The rendering is no part of the value's equality.
 *
 * @param <S> the value's own class
 */
public abstract class KeptRendering<S extends KeptRendering<S>> {
    /** What {@link #rendering} made, or null. */
    private volatile Object rendering;

    /**
     * The rendering of this value that {@code render} makes, made on first use and kept: it depends
     * on nothing but this immutable value. One kind of rendering per value ({@code type}); asking
     * for another kind renders again and keeps the newer.
     */
    public final <T> T rendering(Class<T> type, Function<? super S, ? extends T> render) {
        Object kept = rendering;
        if (type.isInstance(kept)) {
            return type.cast(kept);
        }
        @SuppressWarnings("unchecked") // S is this class by the declaration of every subclass
        S self = (S) this;
        T made = Objects.requireNonNull(render.apply(self), "rendering");
        rendering = made;
        return made;
    }
}
