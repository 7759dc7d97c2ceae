package org.starttls.policyd.core.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A large preload list in the EFF format for benchmarks, the same every time: domain {@code i} and
 * its policy depend on {@code i} alone, so a load generator can name listed domains without
 * reading the file, and {@link #unlistedDomain(int)} names domains of the same shape that are
 * certainly absent (the index is part of every name).
 *
 * <p>Shape, loosely after the real list: names of one or two words, a number and a common TLD;
 * 40% enforce, 60% testing; 1 to 3 MX patterns mixing the domain's own hosts, a wildcard for
 * itself and hosted-mail providers; 1% of domains use one of four policy aliases. Written in the
 * EFF file's layout (two-space indent, one value per line), about 150 bytes per domain.
 */
public final class SyntheticList {
    /** The EFF fixture's window, so one frozen clock serves both lists. */
    public static final Instant TIMESTAMP = Instant.parse("2020-05-20T17:25:12Z");
    public static final Instant EXPIRES = Instant.parse("2020-06-03T17:25:12Z");
    public static final int MILLION = 1_000_000;

    /** Bump when the shape changes, so a cached file of the old shape is not reused. */
    private static final String SHAPE_VERSION = "v1";
    private static final long SEED = 0x5EED_57A2_7715L;
    private static final String[] WORDS = {
        "acme", "alpine", "amber", "anchor", "apex", "arrow", "aurora", "beacon", "birch", "blue", "bright",
        "cedar", "city", "cloud", "coast", "copper", "coral", "crest", "delta", "eagle", "echo", "ember",
        "falcon", "fern", "field", "forge", "fox", "garden", "granite", "green", "harbor", "haven", "hill",
        "iron", "jade", "lake", "lantern", "maple", "meadow", "mesa", "mill", "nova", "oak", "ocean", "orbit",
        "pine", "pixel", "polar", "prime", "quartz", "river", "rock", "sage", "shore", "silver", "solar",
        "spark", "stone", "summit", "tide", "union", "valley", "vista", "willow",
    };
    private static final String[] TLDS = {
        "com", "com", "com", "com", "com", "com", "com", "com", "net", "net", "org", "org", "de", "de", "de",
        "co.uk", "fr", "nl", "ch", "io", "eu", "it", "se", "at",
    };
    private static final String[] PROVIDER_PATTERNS = {
        ".mail.protection.outlook.com", "aspmx.l.google.com", "alt1.aspmx.l.google.com", ".mx.cloudflare.net",
        ".pphosted.com", ".mimecast.com", "mx.zoho.eu", ".messagingengine.com", "mx00.ionos.de", ".hostedemail.com",
    };
    private static final String[] ALIASES = {"google", "outlook", "icloud", "yahoo"};

    private final int domains;

    private SyntheticList(int domains) {
        if (domains < 1) {
            throw new IllegalArgumentException("domains must be at least 1");
        }
        this.domains = domains;
    }

    public static SyntheticList of(int domains) {
        return new SyntheticList(domains);
    }

    public static SyntheticList million() {
        return of(MILLION);
    }

    public int domains() {
        return domains;
    }

    /** The name of listed domain {@code i} (0 &lt;= i &lt; domains). */
    public String listedDomain(int i) {
        if (i < 0 || i >= domains) {
            throw new IndexOutOfBoundsException(i);
        }
        return name(i);
    }

    /** A domain shaped like the listed ones that is not in the list. */
    public String unlistedDomain(int k) {
        return name(domains + Math.floorMod(k, Integer.MAX_VALUE - domains));
    }

    private static SplittableRandom random(long i) {
        return new SplittableRandom(SEED + i * 0x9E37_79B9_7F4A_7C15L);
    }

    private static String name(int i) {
        SplittableRandom random = random(i);
        StringBuilder name = new StringBuilder(32).append(pick(random, WORDS));
        if (random.nextInt(3) > 0) {
            name.append(random.nextBoolean() ? "-" : "").append(pick(random, WORDS));
        }
        // The index, in decimal after letters only, makes every name unique.
        return name.append(i).append('.').append(pick(random, TLDS)).toString();
    }

    private static String pick(SplittableRandom random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** The file for this list under {@code dir}, written now unless an earlier run left it there. */
    public Path file(Path dir) {
        Path file = dir.resolve("synthetic-list-" + domains + "-" + SHAPE_VERSION + ".json");
        if (Files.isRegularFile(file)) {
            return file;
        }
        try {
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, "synthetic-list-", ".partial");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                write(out);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default place: {@code -Dbench.dir}, else {@code target/bench} under the working directory. */
    public Path file() {
        return file(Path.of(System.getProperty("bench.dir", "target/bench")));
    }

    /** Streams the list as JSON, so even a huge list is never whole in memory here. */
    public void write(OutputStream out) throws IOException {
        out.write(("{\n  \"timestamp\": \"" + TIMESTAMP + "\",\n  \"expires\": \"" + EXPIRES + "\",\n"
                + "  \"version\": \"0.1\",\n  \"author\": \"synthetic benchmark list " + SHAPE_VERSION + "\",\n"
                + "  \"policy-aliases\": {\n").getBytes(US_ASCII));
        for (int a = 0; a < ALIASES.length; a++) {
            String mx = ALIASES[a].equals("google") ? "aspmx.l.google.com" : ".mx." + ALIASES[a] + ".example";
            out.write(("    \"" + ALIASES[a] + "\": {\n      \"mode\": \"testing\",\n      \"mxs\": [\n        \""
                    + mx + "\"\n      ]\n    }" + (a + 1 < ALIASES.length ? ",\n" : "\n")).getBytes(US_ASCII));
        }
        out.write("  },\n  \"policies\": {\n".getBytes(US_ASCII));
        StringBuilder entry = new StringBuilder(256);
        for (int i = 0; i < domains; i++) {
            entry.setLength(0);
            appendPolicy(entry, i);
            entry.append(i + 1 < domains ? ",\n" : "\n");
            out.write(entry.toString().getBytes(US_ASCII));
        }
        out.write("  }\n}\n".getBytes(US_ASCII));
    }

    private static void appendPolicy(StringBuilder entry, int i) {
        String domain = name(i);
        SplittableRandom random = random(-1L - i);
        entry.append("    \"").append(domain).append("\": {\n");
        if (random.nextInt(100) == 0) {
            entry.append("      \"policy-alias\": \"").append(pick(random, ALIASES)).append("\"\n    }");
            return;
        }
        entry.append("      \"mode\": \"").append(random.nextInt(10) < 4 ? "enforce" : "testing").append("\",\n");
        entry.append("      \"mxs\": [\n");
        List<String> mxs = patterns(random, domain);
        for (int m = 0; m < mxs.size(); m++) {
            entry.append("        \"").append(mxs.get(m)).append(m + 1 < mxs.size() ? "\",\n" : "\"\n");
        }
        entry.append("      ]\n    }");
    }

    /** 1 (55%), 2 (30%) or 3 (15%) distinct patterns. */
    private static List<String> patterns(SplittableRandom random, String domain) {
        int roll = random.nextInt(100);
        int count = roll < 55 ? 1 : roll < 85 ? 2 : 3;
        List<String> mxs = new ArrayList<>(count);
        while (mxs.size() < count) {
            int kind = random.nextInt(10);
            String pattern = kind < 4 ? "mx" + (mxs.size() + 1) + "." + domain
                    : kind < 6 ? "." + domain
                    : pick(random, PROVIDER_PATTERNS);
            if (!mxs.contains(pattern)) {
                mxs.add(pattern);
            }
        }
        return mxs;
    }
}
