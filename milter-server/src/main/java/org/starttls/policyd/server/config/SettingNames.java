package org.starttls.policyd.server.config;

import java.util.Locale;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.engine.TestingDomains;

/**
 * The spellings of enumerated settings in the config file and on command lines (kebab case:
 * {@code report-only}, {@code tempfail-listed}), in one place so policyd and policyctl agree.
 */
public final class SettingNames {
    public static final String TESTING_DOMAINS_CHOICES = "report-only or enforce";
    public static final String EXPIRED_LIST_CHOICES = "enforce-nothing, keep-enforcing or tempfail-listed";
    /**
     * {@code EngineSettings.DEFAULTS.expiredList()} spelled as a compile-time constant, for option
     * defaults (a test holds the two equal).
     */
    public static final String DEFAULT_EXPIRED_LIST = "enforce-nothing";
    public static final String WHILE_UNVERIFIED_CHOICES = "tempfail or embedded-default";

    private SettingNames() {
    }

    /** The setting for {@code text}, or null when it is not one of {@link #TESTING_DOMAINS_CHOICES}. */
    public static TestingDomains testingDomains(String text) {
        return "enforce".equals(text) ? TestingDomains.ENFORCE
                : "report-only".equals(text) ? TestingDomains.REPORT_ONLY : null;
    }

    /** The setting for {@code text}, or null when it is not one of {@link #EXPIRED_LIST_CHOICES}. */
    public static ExpiredList expiredList(String text) {
        for (ExpiredList value : ExpiredList.values()) {
            if (name(value).equals(text)) {
                return value;
            }
        }
        return null;
    }

    /** The setting for {@code text}, or null when it is not one of {@link #WHILE_UNVERIFIED_CHOICES}. */
    public static DaemonSettings.WhileUnverified whileUnverified(String text) {
        for (DaemonSettings.WhileUnverified value : DaemonSettings.WhileUnverified.values()) {
            if (name(value).equals(text)) {
                return value;
            }
        }
        return null;
    }

    /** {@code KEEP_ENFORCING} -> {@code keep-enforcing}. */
    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
