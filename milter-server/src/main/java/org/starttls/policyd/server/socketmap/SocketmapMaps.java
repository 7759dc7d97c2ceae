package org.starttls.policyd.server.socketmap;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.PolicyEngine;

/**
 * The socketmap map names the daemon knows, each with its own {@link SocketmapMapSettings}; a name
 * that is not configured is answered with the default settings, so an MTA configured with any name
 * (Sendmail always asks {@code sts}) gets the daemon's normal answers.
 *
 * <p>A map with its own engine settings decides through {@link PolicyEngine#withSettings}, a copy
 * that holds the list active when it was made. The copy is remade whenever the daemon's engine has
 * installed a different list, so every map follows list updates without the updater knowing about
 * maps.
 */
public final class SocketmapMaps {
    private final PolicyEngine engine;
    private final MapView defaults;
    private final Map<String, MapView> named;

    public SocketmapMaps(PolicyEngine engine, SocketmapMapSettings defaults, Map<String, SocketmapMapSettings> named) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.defaults = new MapView(Objects.requireNonNull(defaults, "defaults"));
        Map<String, MapView> views = new java.util.HashMap<>();
        named.forEach((name, settings) -> {
            if (name == null || name.isEmpty() || name.indexOf(' ') >= 0 || name.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("invalid socketmap map name \"" + name + "\"");
            }
            views.put(name, new MapView(Objects.requireNonNull(settings, "settings of map " + name)));
        });
        this.named = Map.copyOf(views);
    }

    /** Every name answered with the default settings. */
    public static SocketmapMaps allDefault(PolicyEngine engine) {
        return new SocketmapMaps(engine, SocketmapMapSettings.DEFAULTS, Map.of());
    }

    public SocketmapMapSettings settingsFor(String mapName) {
        return view(mapName).settings;
    }

    public boolean isConfigured(String mapName) {
        return named.containsKey(mapName);
    }

    /** The engine's decision for {@code domain} under the map's settings. */
    public Decision decide(String mapName, String domain) {
        return view(mapName).engine().decide(domain);
    }

    private MapView view(String mapName) {
        MapView view = named.get(mapName);
        return view != null ? view : defaults;
    }

    /** One map's engine: the daemon's own, or a copy with other settings kept in step with its list. */
    private final class MapView {
        private final SocketmapMapSettings settings;
        private final AtomicReference<Derived> derived = new AtomicReference<>();

        MapView(SocketmapMapSettings settings) {
            this.settings = settings;
        }

        PolicyEngine engine() {
            if (settings.engineSettings() == null || settings.engineSettings().equals(engine.settings())) {
                return engine;
            }
            VerifiedList current = engine.activeList();
            Derived copy = derived.get();
            if (copy == null || copy.source != current) {
                // Two lookups racing here each build a copy of the same list; either is right.
                copy = new Derived(current, engine.withSettings(settings.engineSettings()));
                derived.set(copy);
            }
            return copy.engine;
        }
    }

    private static final class Derived {
        final VerifiedList source;
        final PolicyEngine engine;

        Derived(VerifiedList source, PolicyEngine engine) {
            this.source = source;
            this.engine = engine;
        }
    }
}
