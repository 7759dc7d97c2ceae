package org.starttls.policyd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.list.DomainName;
import org.starttls.policyd.core.list.InvalidNameException;
import org.starttls.policyd.core.list.ListFormatException;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.PreloadList;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.list.PreloadListWriter;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.check.CheckRunner;
import org.starttls.policyd.server.check.DomainCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl list build --domains FILE --output LIST}: checks each domain as
 * {@code policyctl check} does and writes the eligible ones as a list in EFF's format, ready for
 * {@code policyctl list sign}.
 */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check each domain of --domains as 'policyctl check' does (a few at once) and write the eligible "
                + "ones to --output as a list in EFF's format: mode enforce or testing from the verdict, MX patterns "
                + "from the domain's MTA-STS policy when it has one (*.example.com becomes .example.com), else the "
                + "names of the MXes that passed. Domains that are not eligible are left out, each with its reasons "
                + "on standard error. timestamp is now, expires now + --valid-days. The list is validated with "
                + "policyd's own parser, then written atomically; sign it with 'policyctl list sign'.",
            "--domains: one domain per line; blank lines and text after # are ignored."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:The list was written with every domain.",
            "1:The list was written; some domains were left out (not eligible), as standard error says.",
            "2:Invalid command line, or a line of --domains is not a domain name (nothing written).",
            "3:No domain is eligible: nothing written (an empty list would switch every consumer's protection off).",
            "70:Internal error.",
            "74:--domains could not be read, or --output could not be written (the old file is untouched)."})
final class ListBuildCommand implements Callable<Integer> {
    /** EFF's habit: a list lives two weeks, and is rebuilt and re-signed well before that. */
    static final int DEFAULT_VALID_DAYS = 14;
    static final int MAX_VALID_DAYS = 366;
    /** A domains file larger than this is not a list of partner domains. */
    static final long MAX_DOMAINS_FILE_BYTES = 4L * 1024 * 1024;

    @Spec
    CommandSpec spec;

    @Mixin
    CheckOptions options;

    @Option(names = "--domains", required = true, paramLabel = "FILE", description = "The domains to check, one per line.")
    Path domainsFile;

    @Option(names = "--output", required = true, paramLabel = "LIST", description = "Where to write the list.")
    Path output;

    @Option(names = "--valid-days", paramLabel = "DAYS", defaultValue = "" + DEFAULT_VALID_DAYS,
            description = "Days from now until the list's expires (1 to " + MAX_VALID_DAYS + ", default: ${DEFAULT-VALUE}).")
    int validDays;

    @Option(names = "--author", paramLabel = "TEXT", description = "The list's author field (default: none).")
    String author;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Domains checked at once (1 to " + CheckRunner.MAX_PARALLELISM + ", default: ${DEFAULT-VALUE}).")
    int parallel;

    private final Clock clock;

    ListBuildCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        if (validDays < 1 || validDays > MAX_VALID_DAYS) {
            throw new ParameterException(spec.commandLine(), "--valid-days: must be 1 to " + MAX_VALID_DAYS);
        }
        if (parallel < 1 || parallel > CheckRunner.MAX_PARALLELISM) {
            throw new ParameterException(spec.commandLine(), "--parallel: must be 1 to " + CheckRunner.MAX_PARALLELISM);
        }
        List<String> domains = readDomains();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<DomainCheck> checks;
        try (CheckOptions.OpenCheck open = options.open(null, null, null, clock)) {
            checks = CheckRunner.checkAll(open.check(), domains, parallel);
        }
        SortedMap<String, TlsPolicy> entries = new TreeMap<>();
        for (DomainCheck check : checks) {
            if (check.entry() == null) {
                err.println("SKIPPED " + check.domain() + ": " + String.join("; ", check.reasons()));
            } else {
                entries.put(check.domain(), check.entry());
            }
        }
        err.flush();
        if (entries.isEmpty()) {
            throw new RefusedException("no domain of " + domainsFile + " is eligible; " + output + " was not written");
        }
        Instant timestamp = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = timestamp.plus(Duration.ofDays(validDays));
        byte[] list = PreloadListWriter.write(timestamp, expires, author, entries);
        PreloadList parsed;
        try {
            parsed = PreloadListParser.parse(list);
        } catch (ListFormatException e) {
            throw new IllegalStateException("the built list does not validate: " + e.getMessage(), e);
        }
        AtomicFiles.write(output, new String(list, StandardCharsets.UTF_8));
        out.println("wrote " + output + ": " + parsed.size() + " domains (" + parsed.count(PolicyMode.ENFORCE)
                + " enforce, " + parsed.count(PolicyMode.TESTING) + " testing), " + (checks.size() - entries.size())
                + " skipped, timestamp " + parsed.timestamp() + ", expires " + parsed.expires());
        out.flush();
        return entries.size() == checks.size() ? ExitCodes.OK : ExitCodes.PARTIAL;
    }

    /** The file's domains, normalised, each once, in file order; a bad line is a usage error naming it. */
    private List<String> readDomains() throws IOException {
        if (Files.size(domainsFile) > MAX_DOMAINS_FILE_BYTES) {
            throw new ParameterException(spec.commandLine(), "--domains: " + domainsFile + " is larger than "
                    + MAX_DOMAINS_FILE_BYTES + " bytes");
        }
        Set<String> domains = new LinkedHashSet<>();
        List<String> lines = Files.readAllLines(domainsFile, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String text = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (text.isEmpty()) {
                continue;
            }
            try {
                domains.add(DomainName.of(text).asString());
            } catch (InvalidNameException e) {
                throw new ParameterException(spec.commandLine(), "--domains: " + domainsFile + " line " + (i + 1) + ": "
                        + e.getMessage());
            }
        }
        if (domains.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--domains: " + domainsFile + " names no domain");
        }
        return new ArrayList<>(domains);
    }
}
