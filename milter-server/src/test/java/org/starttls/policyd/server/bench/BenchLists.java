package org.starttls.policyd.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.bench.SyntheticList;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.signature.SignatureVerificationException;
import org.starttls.policyd.core.testing.EffFixture;
import org.starttls.policyd.core.testing.TestKey;
import org.starttls.policyd.core.testing.TestKeys;

/**
 * The lists the load runs against, verified the way the daemon verifies them, each with its
 * engine (clock frozen inside the lists' common window, so enforce answers happen) and the names
 * to ask for: listed ones from the list itself, unlisted ones shaped like them.
 */
final class BenchLists {
    private static final Instant SIGNED_AT = Instant.parse("2020-05-20T17:30:00Z");
    private static final int SAMPLE = 4096;

    /** One list: its engine and sample names. */
    record Loaded(String name, PolicyEngine engine, List<String> listed, List<String> unlisted) {
    }

    private BenchLists() {
    }

    static Loaded eff() throws SignatureVerificationException, ListRejectedException {
        PinnedKeyring keyring = PinnedKeyring.read(EffFixture.armoredKey(), "EFF authority key");
        VerifiedList list = new ListVerifier(keyring).verify(EffFixture.listBytes(), EffFixture.signatureBytes(),
                "EFF list");
        return loaded("eff", list, new ArrayList<>(list.list().sortedPolicies().keySet()));
    }

    static Loaded million() throws IOException, ListRejectedException {
        SyntheticList synthetic = SyntheticList.million();
        byte[] bytes = Files.readAllBytes(synthetic.file());
        TestKey key = TestKeys.primary();
        VerifiedList list = new ListVerifier(key.keyring()).verify(bytes, key.sign(bytes, SIGNED_AT), "synthetic list");
        List<String> listed = new ArrayList<>(SAMPLE);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < SAMPLE; i++) {
            listed.add(synthetic.listedDomain(random.nextInt(synthetic.domains())));
        }
        return loaded("million", list, listed);
    }

    private static Loaded loaded(String name, VerifiedList list, List<String> listed) {
        PolicyEngine engine = new PolicyEngine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS, list);
        SyntheticList shape = SyntheticList.of(list.list().size());
        List<String> unlisted = new ArrayList<>(SAMPLE);
        for (int k = 0; k < SAMPLE; k++) {
            String domain = shape.unlistedDomain(1_000_003 * k + 11);
            if (list.list().lookup(domain) != null) {
                throw new IllegalStateException("a name meant to be unlisted is listed: " + domain);
            }
            unlisted.add(domain);
        }
        return new Loaded(name, engine, List.copyOf(listed), List.copyOf(unlisted));
    }
}
