package org.starttls.policyd.fetcher.testworld.dnssec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Makes a key for a zone and signs it with ldnsutils: one ECDSA P-256 key with the SEP flag
 * signs everything (a combined signing key keeps the world small and fast to build).
 */
final class ZoneSigner {
    private static final DateTimeFormatter RRSIG_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    /** A signed zone file and the DS record its parent must publish. */
    record SignedZone(Path file, String ds) {}

    private final DnssecTools tools;
    private final Path directory;

    ZoneSigner(DnssecTools tools, Path directory) {
        this.tools = tools;
        this.directory = directory;
    }

    /**
     * Signs {@code zoneFile} with signatures valid from {@code inception} to {@code expiration},
     * then breaks the signature over each "owner TYPE" in {@code broken}.
     */
    SignedZone sign(String zone, Path zoneFile, Instant inception, Instant expiration, Set<String> broken) {
        String origin = zone.isEmpty() ? "." : zone + ".";
        String key = ExternalProcess.run(List.of(tools.ldnsKeygen().toString(), "-a", "ECDSAP256SHA256", "-k", origin),
                directory).strip();
        Path signed = directory.resolve(zoneFile.getFileName() + ".signed");
        ExternalProcess.run(List.of(tools.ldnsSignzone().toString(),
                "-i", RRSIG_TIME.format(inception), "-e", RRSIG_TIME.format(expiration),
                "-f", signed.toString(), "-o", origin, zoneFile.toString(), key), directory);
        try {
            String ds = Files.readString(directory.resolve(key + ".ds"), StandardCharsets.US_ASCII).strip();
            if (!broken.isEmpty()) {
                breakSignatures(signed, broken);
            }
            return new SignedZone(signed, ds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing output of " + origin, e);
        }
    }

    /** Flips one bit in the signature of each RRSIG covering a listed RRset. */
    private static void breakSignatures(Path signed, Set<String> broken) throws IOException {
        List<String> lines = Files.readAllLines(signed, StandardCharsets.US_ASCII);
        List<String> out = new ArrayList<>(lines.size());
        List<String> stillToBreak = new ArrayList<>(broken);
        for (String line : lines) {
            String[] fields = line.split("\\s+");
            // owner TTL IN RRSIG covered algorithm labels ttl expiration inception tag signer signature
            if (fields.length >= 13 && fields[3].equals("RRSIG")) {
                String target = TestZone.normalise(fields[0]) + " " + fields[4];
                if (broken.contains(target)) {
                    stillToBreak.remove(target);
                    out.add(line.substring(0, line.lastIndexOf(fields[fields.length - 1]))
                            + flipABit(fields[fields.length - 1]));
                    continue;
                }
            }
            out.add(line);
        }
        if (!stillToBreak.isEmpty()) {
            throw new IllegalArgumentException("no signature to break for " + stillToBreak + " in " + signed);
        }
        Files.write(signed, out, StandardCharsets.US_ASCII);
    }

    private static String flipABit(String base64) {
        byte[] signature = Base64.getDecoder().decode(base64);
        signature[signature.length / 2] ^= 0x01;
        return Base64.getEncoder().encodeToString(signature);
    }
}
