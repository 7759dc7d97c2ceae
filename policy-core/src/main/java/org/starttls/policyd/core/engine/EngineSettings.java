package org.starttls.policyd.core.engine;

import java.util.Objects;

/**
 * How the engine turns list entries into verdicts. Defaults follow EFF's published client rules.
 *
 * @param testingDomains what testing-mode domains get
 * @param expiredList what an expired list does
 */
public record EngineSettings(TestingDomains testingDomains, ExpiredList expiredList) {
    public static final EngineSettings DEFAULTS =
            new EngineSettings(TestingDomains.REPORT_ONLY, ExpiredList.ENFORCE_NOTHING);

    public EngineSettings {
        Objects.requireNonNull(testingDomains, "testingDomains");
        Objects.requireNonNull(expiredList, "expiredList");
    }

    public EngineSettings withTestingDomains(TestingDomains value) {
        return new EngineSettings(value, expiredList);
    }

    public EngineSettings withExpiredList(ExpiredList value) {
        return new EngineSettings(testingDomains, value);
    }
}
