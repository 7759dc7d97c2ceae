package org.starttls.policyd.server.socketmap;

import java.util.Map;
import java.util.Objects;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.PolicyEngine;

/**
 * The socketmap map names the daemon knows, each with its own {@link SocketmapMapSettings}; a name
 * that is not configured is answered with the default settings, so an MTA configured with any name
 * (Sendmail always asks {@code sts}) gets the daemon's normal answers.
 *
 * <p>A map with its own engine settings decides through {@link PolicyEngine#withSettings}, a view
 * that shares {@code engine}'s list, so every map answers from the same list. The daemon builds a
 * new set of maps, with a new engine, for each answering snapshot.
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

    SocketmapMapSettings settingsFor(String mapName) {
        return view(mapName).settings;
    }

    /** The engine's decision for {@code domain} under the map's settings. */
    public Decision decide(String mapName, String domain) {
        return view(mapName).engine().decide(domain);
    }

    private MapView view(String mapName) {
        MapView view = named.get(mapName);
        return view != null ? view : defaults;
    }

    /** One map: its settings and the engine it decides with (the daemon's, or a view with other rules). */
    private final class MapView {
        private final SocketmapMapSettings settings;
        private final PolicyEngine mapEngine;

        MapView(SocketmapMapSettings settings) {
            this.settings = settings;
            this.mapEngine = settings.engineSettings() == null || settings.engineSettings().equals(engine.settings())
                    ? engine : engine.withSettings(settings.engineSettings());
        }

        PolicyEngine engine() {
            return mapEngine;
        }
    }
}
