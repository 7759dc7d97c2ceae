package org.starttls.policyd.server.socketmap;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.starttls.policyd.core.dane.DaneVerdict;
import org.starttls.policyd.core.engine.Decision;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.engine.StsEvidence;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.server.dane.DaneWaiter;
import org.starttls.policyd.server.sts.StsWaiter;

/**
 * The socketmap map names the daemon knows, each with its own {@link SocketmapMapSettings}; a name
 * that is not configured is answered with the default settings, so an MTA configured with any name
 * (Sendmail always asks {@code sts}) gets the daemon's normal answers.
 *
 * <p>A map with its own engine settings decides through {@link PolicyEngine#withSettings}, a view
 * that shares {@code engine}'s list, so every map answers from the same list. The daemon builds a
 * new set of maps, with a new engine, for each answering snapshot.
 *
 * <p>A local override ({@link Overrides}) decides before everything else, at once.
 *
 * <p>With MTA-STS on, each decision first asks the domain's MTA-STS resolution and waits for it at
 * most the map's {@link SocketmapMapSettings#stsWait} (4 s for Sendmail's {@code sts} map unless
 * configured, 10 s for others), then decides in the engine's order. With DANE on too, DANE's
 * lookups and MTA-STS's run side by side within that one wait.
 */
public final class SocketmapMaps {
    private static final Logger LOG = LoggerFactory.getLogger(SocketmapMaps.class);
    /** {@link #decideAsciiAtOnce}'s "not in the list", the engine's own reason, for any name. */
    private static final Decision NOT_LISTED = Decision.noPolicy("(a name the list does not hold)", null, "not in the list");
    private final PolicyEngine engine;
    private final MapView defaults;
    private final Map<String, MapView> named;
    /** The map Sendmail asks when it is not configured: the defaults with Sendmail's shorter wait. */
    private final MapView sendmailDefaults;
    /** Asks MTA-STS, or null when MTA-STS is not consulted. */
    private final StsWaiter sts;
    /** Asks DANE first, or null when DANE is not consulted. */
    private final DaneWaiter dane;
    /** The operator's local overrides, asked before every source. */
    private final Overrides overrides;

    public SocketmapMaps(PolicyEngine engine, SocketmapMapSettings defaults, Map<String, SocketmapMapSettings> named) {
        this(engine, defaults, named, null);
    }

    /** @param sts asks MTA-STS before the list, or null to answer from the list alone */
    public SocketmapMaps(PolicyEngine engine, SocketmapMapSettings defaults, Map<String, SocketmapMapSettings> named,
            StsWaiter sts) {
        this(engine, defaults, named, sts, null);
    }

    /**
     * @param dane asks DANE before MTA-STS and the list (never for Sendmail's {@code sts} map, which
     *     takes {@code secure} answers only), or null when DANE is off
     */
    public SocketmapMaps(PolicyEngine engine, SocketmapMapSettings defaults, Map<String, SocketmapMapSettings> named,
            StsWaiter sts, DaneWaiter dane) {
        this(engine, defaults, named, sts, dane, Overrides.NONE);
    }

    /**
     * @param overrides decide before DANE, MTA-STS and the list, at once (nothing is looked up for
     *     an overridden domain); their expiry is judged by {@code engine}'s clock
     */
    public SocketmapMaps(PolicyEngine engine, SocketmapMapSettings defaults, Map<String, SocketmapMapSettings> named,
            StsWaiter sts, DaneWaiter dane, Overrides overrides) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.overrides = Objects.requireNonNull(overrides, "overrides");
        this.sts = sts;
        this.dane = dane;
        this.defaults = new MapView(Objects.requireNonNull(defaults, "defaults"));
        Map<String, MapView> views = new java.util.HashMap<>();
        named.forEach((name, settings) -> {
            if (name == null || name.isEmpty() || name.indexOf(' ') >= 0 || name.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("invalid socketmap map name \"" + name + "\"");
            }
            views.put(name, new MapView(Objects.requireNonNull(settings, "settings of map " + name)));
        });
        this.named = Map.copyOf(views);
        this.sendmailDefaults = new MapView(SocketmapMapSettings.defaultsFor(SocketmapMapSettings.SENDMAIL_MAP_NAME, defaults));
    }

    /** Every name answered with the default settings. */
    public static SocketmapMaps allDefault(PolicyEngine engine) {
        return new SocketmapMaps(engine, SocketmapMapSettings.DEFAULTS, Map.of());
    }

    /** The settings map {@code mapName} answers with. */
    public SocketmapMapSettings settingsFor(String mapName) {
        return view(mapName).settings;
    }

    /** The engine's decision for {@code domain} under the map's settings, from the list alone. */
    public Decision decide(String mapName, String domain) {
        return view(mapName).engine().decide(domain);
    }

    /**
     * The decision with DANE, then MTA-STS consulted first: complete at once when the domain's
     * resolutions are (cached answers, no record), else when they complete or the map's wait runs
     * out. Never completes exceptionally.
     *
     * <p>A DANE verdict still being looked up does not hold MTA-STS back: both start now and each
     * waits at most the map's budget from now, so the answer never waits longer than that budget in
     * all. A DANE answer ({@code dane}, {@code dane-only}, {@code TEMP}) is given as soon as it is
     * known, without waiting for MTA-STS; only "no DANE" waits for MTA-STS's evidence (RFC 8461
     * §2: MTA-STS never overrides DANE).
     */
    public CompletionStage<Decision> decideWithSts(String mapName, String domain) {
        Decision overridden = overridden(domain);
        if (overridden != null) {
            return CompletableFuture.completedFuture(overridden);
        }
        return decide(mapName, domain, false);
    }

    /**
     * The decision {@link #decideWithSts} completes with, given at once, when the map asks nothing
     * but the local overrides and the list (MTA-STS off, DANE off or not applying now); null when
     * it asks a source that may have to be waited for, and then {@link #decideWithSts} answers.
     * The door's list-only path: no future per request.
     */
    public Decision decideFromListAtOnce(String mapName, String domain) {
        if (sts != null || asksDane(mapName, false)) {
            return null;
        }
        Decision overridden = overridden(domain);
        return overridden != null ? overridden : view(mapName).engine().decide(domain);
    }

    /**
     * {@link #decideFromListAtOnce} for a domain given as the {@code length} ASCII bytes at
     * {@code offset} of {@code domain}, without making a string, when that is possible: the map
     * asks only the list (no local overrides either) and the engine can decide from bytes
     * ({@link PolicyEngine#decideNormalAscii}). A name the list does not hold gets a shared
     * no-policy decision whose domain is a placeholder: the door renders it as {@code NOTFOUND}
     * and names the key itself. Null when {@link #decideFromListAtOnce} or {@link #decideWithSts}
     * must decide.
     */
    public Decision decideAsciiAtOnce(String mapName, byte[] domain, int offset, int length) {
        if (sts != null || !overrides.isEmpty() || asksDane(mapName, false)) {
            return null;
        }
        return view(mapName).engine().decideNormalAscii(domain, offset, length, NOT_LISTED);
    }

    private Decision overridden(String domain) {
        return overrides.isEmpty() ? null : overrides.decide(domain, engine.clock().instant());
    }

    /**
     * As {@link #decideWithSts}, the local overrides left out: what DANE, MTA-STS and the list say,
     * for {@code policyctl lookup}. The same answer as the door's, but its reason also says why
     * DANE did not decide ({@code "; DANE: ..."}) and a decision by an MTA-STS policy carries the
     * list's entry for the domain, both of which the door leaves out: the MTA sees neither, and
     * making them for every request would cost the door more than its answer.
     */
    public CompletionStage<Decision> decideFromSources(String mapName, String domain) {
        return decide(mapName, domain, true);
    }

    /**
     * @param explainDane for {@code policyctl lookup}: a decision DANE left to the others says so in
     *     its reason, and one an MTA-STS policy made shows the list's entry beside it
     */
    private CompletionStage<Decision> decide(String mapName, String domain, boolean explainDane) {
        // DANE not applying now (the resolver answers without validating) would say "no DANE" for
        // every domain: the door does not ask it (docs/dane.md); policyctl lookup asks, for its reason.
        boolean askDane = asksDane(mapName, explainDane);
        // Normalised once here for every source that needs the name (DANE, MTA-STS, the engine).
        DomainName name = !askDane && sts == null ? null : nameOrNull(domain);
        if (!askDane || name == null) {
            return decideWithoutDane(mapName, domain, name, explainDane);
        }
        String daneDomain = name.asString();
        MapView view = view(mapName);
        DaneVerdict known = dane.knownNow(daneDomain);
        if (known != null) {
            // Cached and fresh, known without a future: the door's common case for a DANE domain.
            if (known.kind() == DaneVerdict.Kind.NO_DANE && !explainDane) {
                return decideWithoutDane(mapName, domain, name, false);
            }
            return withDane(view, daneDomain, known, explainDane,
                    () -> decideWithoutDane(mapName, domain, name, explainDane));
        }
        CompletableFuture<DaneVerdict> verdict = dane.verdict(daneDomain, view.settings.stsWait()).toCompletableFuture();
        if (verdict.isDone()) {
            // A cached verdict: MTA-STS is asked only when DANE has nothing to say.
            return withDane(view, daneDomain, verdict.join(), explainDane,
                    () -> decideWithoutDane(mapName, domain, name, explainDane));
        }
        CompletionStage<Decision> withoutDane = decideWithoutDane(mapName, domain, name, explainDane);
        return verdict.thenCompose(later -> withDane(view, daneDomain, later, explainDane, () -> withoutDane));
    }

    private boolean asksDane(String mapName, boolean explainDane) {
        return dane != null && !SocketmapMapSettings.SENDMAIL_MAP_NAME.equals(mapName) && (explainDane || dane.applies());
    }

    /**
     * DANE's decision, or for "no DANE" the decision {@code withoutDane} gives, saying why DANE did
     * not decide when {@code explainDane}.
     */
    private static CompletionStage<Decision> withDane(MapView view, String domain, DaneVerdict verdict,
            boolean explainDane, Supplier<CompletionStage<Decision>> withoutDane) {
        if (verdict.kind() == DaneVerdict.Kind.NO_DANE) {
            return explainDane ? withoutDane.get().thenApply(later -> withDaneReason(verdict, later)) : withoutDane.get();
        }
        Decision decision = view.engine().decide(domain, verdict, StsEvidence.NOT_CONSULTED);
        if (verdict.kind() == DaneVerdict.Kind.TEMP) {
            LOG.info("DANE for {} failed -> TEMP: {}", domain, decision.reason());
        }
        return CompletableFuture.completedFuture(decision);
    }

    private static Decision withDaneReason(DaneVerdict noDane, Decision later) {
        return new Decision(later.verdict(), later.domain(), later.policy(), later.reason() + "; DANE: "
                + noDane.reason(), later.source(), later.sts());
    }

    /**
     * @param name {@code domain} normalised, or null when it is not a domain name or nothing but the list is asked
     * @param showListed whether a decision by an MTA-STS policy shows the list's entry (policyctl
     *     lookup); a door's answer never does, and so saves the list lookup
     */
    private CompletionStage<Decision> decideWithoutDane(String mapName, String domain, DomainName name,
            boolean showListed) {
        MapView view = view(mapName);
        if (sts == null || name == null) {
            return CompletableFuture.completedFuture(name == null ? view.engine().decide(domain) : view.engine().decide(name));
        }
        CompletionStage<StsEvidence> evidence = sts.evidence(name.asString(), view.settings.stsWait());
        CompletableFuture<StsEvidence> now = evidence.toCompletableFuture();
        if (now.isDone()) {
            return CompletableFuture.completedFuture(decide(view, name, now.join(), showListed));
        }
        return evidence.thenApply(known -> decide(view, name, known, showListed));
    }

    private static Decision decide(MapView view, DomainName domain, StsEvidence evidence, boolean showListed) {
        Decision decision = showListed ? view.engine().decide(domain, evidence) : view.engine().decideAnswer(domain, evidence);
        if (evidence instanceof StsEvidence.Failed || evidence instanceof StsEvidence.Pending) {
            // RFC 8461 lets an unlisted domain through here; the operator must be able to see it.
            LOG.info("MTA-STS for {} unusable -> {} by {}: {}", domain, decision.verdict(), decision.source().wireName(),
                    decision.reason());
        }
        return decision;
    }

    /** The local overrides these maps consult first. */
    public Overrides overrides() {
        return overrides;
    }

    /** Whether decisions consult MTA-STS. */
    public boolean consultsSts() {
        return sts != null;
    }

    private static DomainName nameOrNull(String domain) {
        try {
            return DomainName.of(domain);
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private MapView view(String mapName) {
        MapView view = named.get(mapName);
        if (view != null) {
            return view;
        }
        return SocketmapMapSettings.SENDMAIL_MAP_NAME.equals(mapName) ? sendmailDefaults : defaults;
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
