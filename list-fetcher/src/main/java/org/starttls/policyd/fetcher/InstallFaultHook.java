package org.starttls.policyd.fetcher;

/**
 * Called after each {@link InstallStep}, so tests can stop an install at any point as a crash
 * would. Production code uses {@link #NONE}.
 */
@FunctionalInterface
public interface InstallFaultHook {
    InstallFaultHook NONE = step -> { };

    void reached(InstallStep step);
}
