package org.starttls.policyd.server.testing;

import java.time.Instant;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.PolicyEngine;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.signature.SignatureInfo;
import org.starttls.policyd.core.testing.EffFixture;

/**
 * The real EFF list for the doors' tests, parsed by the real parser, with the clock frozen inside
 * its validity window. The signature record is stated rather than verified: these tests are about
 * the doors, and signature verification is tested where it lives.
 */
public final class TestLists {
    private TestLists() {
    }

    public static VerifiedList effList() {
        try {
            SignatureInfo signature = new SignatureInfo("TEST-SIGNING-KEY", "TEST-PRIMARY-KEY", "doors test fixture",
                    Instant.parse("2020-05-20T17:25:12Z"));
            return new VerifiedList(PreloadListParser.parse(EffFixture.listBytes()), signature, "EFF test fixture", false);
        } catch (Exception e) {
            throw new IllegalStateException("the EFF fixture list does not parse", e);
        }
    }

    /** An engine with EFF's default rules and the EFF list installed, its clock inside the list's window. */
    public static PolicyEngine effEngine() {
        return new PolicyEngine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS, effList());
    }

    /** An engine that has no list yet: every decision is a tempfail. */
    public static PolicyEngine engineWithoutList() {
        return new PolicyEngine(EffFixture.CLOCK_IN_WINDOW, EngineSettings.DEFAULTS);
    }
}
