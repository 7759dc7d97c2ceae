package org.starttls.policyd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.engine.EngineSettings;
import org.starttls.policyd.core.engine.ExpiredList;
import org.starttls.policyd.core.engine.Overrides;
import org.starttls.policyd.server.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Options both exporters share, and the steps they share: load, decide, warn, write. */
final class ExportOptions {
    /** The expired-list settings a static table can express (it cannot defer). */
    static final String EXPIRED_CHOICES = "enforce-nothing or keep-enforcing";

    @Option(names = "--output", paramLabel = "FILE",
            description = "Write the table to FILE atomically (default: standard output).")
    Path output;

    @Mixin
    AnswerRuleOptions rules;

    /** The rules to export with; tempfail-listed is refused, since a static table cannot defer. */
    EngineSettings engineSettings(CommandLine cli) {
        EngineSettings settings = rules.engineSettings(cli);
        if (settings.expiredList() == ExpiredList.TEMPFAIL_LISTED) {
            throw new ParameterException(cli, "--expired-list: an exported table can only be " + EXPIRED_CHOICES
                    + " (a static table cannot defer mail; use policyd's socketmap for tempfail-listed)");
        }
        return settings;
    }

    /** Loads and verifies the list, decides every domain, and prints the notes and warnings on stderr. */
    ExportPlan plan(ListOptions lists, Clock clock, CommandLine cli) throws ListRejectedException, ConfigException {
        EngineSettings settings = engineSettings(cli);
        ListOptions.LoadedList loaded = lists.load();
        PrintWriter err = cli.getErr();
        loaded.notes().forEach(note -> err.println("NOTE: " + note));
        ExportPlan plan = ExportPlan.of(loaded.verified(), clock, settings);
        if (plan.expiredAndEnforcingNothing()) {
            err.println("WARNING: THE LIST EXPIRED at " + plan.list().list().expires()
                    + ": the exported table ENFORCES NOTHING (every domain is a comment). Fetch a current list "
                    + "with 'policyctl update', or pass --expired-list keep-enforcing to export it anyway.");
        } else if (plan.expired()) {
            err.println("WARNING: the list expired at " + plan.list().list().expires()
                    + "; exporting it anyway (--expired-list keep-enforcing)");
        }
        warnAboutOverrides(lists.config.settings().overrides(), plan, err);
        err.flush();
        return plan;
    }

    /**
     * A static table follows the list alone: the local overrides of the configuration are not
     * written into it (not yet), so the operator must hear that the table and the daemon differ.
     */
    private static void warnAboutOverrides(Overrides overrides, ExportPlan plan, PrintWriter err) {
        long applying = overrides.entries().stream().filter(entry -> entry.appliesAt(plan.at())).count();
        if (applying == 0) {
            return;
        }
        err.println("WARNING: the " + applying + " local override(s) of the configuration's overrides.file are NOT in "
                + "this table: it follows the list alone (a domain overridden to none is still enforced here, and "
                + "secure/dane-only/dane/encrypt overrides are missing). Use policyd's socketmap to have them "
                + "apply, or edit the table by hand.");
    }

    /** Writes the table where --output says; returns the exit code for the plan. */
    int write(ExportPlan plan, String table, CommandLine cli) throws IOException {
        if (output == null) {
            PrintWriter out = cli.getOut();
            out.print(table);
            out.flush();
        } else {
            AtomicFiles.write(output, table);
            PrintWriter err = cli.getErr();
            err.println("wrote " + output + ": " + plan.enforcedCount() + " enforced domains");
            err.flush();
        }
        return plan.expiredAndEnforcingNothing() ? ExitCodes.PARTIAL : ExitCodes.OK;
    }

}
