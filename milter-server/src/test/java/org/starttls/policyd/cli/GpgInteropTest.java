package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.starttls.policyd.core.signature.PinnedKeyring;

/**
 * A key from {@code policyctl keygen} and a signature from {@code policyctl list sign}, checked by
 * an independent implementation: Debian's GnuPG, in a key home of the test's own. Skipped where
 * gpg is not installed, unless {@code -Dpolicyd.e2e.required=true} (as {@code .ci/run} sets, after
 * installing it) turns that into a failure.
 */
class GpgInteropTest {
    private static final Path GPG = Path.of("/usr/bin/gpg");
    private static final Path GPGCONF = Path.of("/usr/bin/gpgconf");
    private static final String REQUIRED_PROPERTY = "policyd.e2e.required";
    /** gpg judges signatures by the real time: keys and signatures are made a little in the past. */
    private static final Clock CLOCK = Clock.fixed(Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS),
            ZoneOffset.UTC);

    @TempDir
    Path dir;
    private Path home;

    private record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @BeforeEach
    void requireGpg() throws Exception {
        if (!Files.isExecutable(GPG)) {
            String problem = "gpg is not installed (" + GPG + ")";
            if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
                fail(problem + ", and -D" + REQUIRED_PROPERTY + "=true demands this test");
            }
            Assumptions.abort(problem + "; skipping (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
        }
        home = Files.createDirectory(dir.resolve("gnupg"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    }

    @AfterEach
    void stopAgent() throws Exception {
        // Importing a secret key starts a gpg-agent for this key home; it must not outlive the test.
        if (home != null && Files.isExecutable(GPGCONF)) {
            gnupg(GPGCONF.toString(), "--kill", "all");
        }
    }

    private Result gnupg(String... command) throws Exception {
        Path out = Files.createTempFile(dir, "gpg", ".out");
        Path err = Files.createTempFile(dir, "gpg", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("GNUPGHOME", home.toString());
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private Result gpg(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(GPG.toString(), "--batch", "--no-tty", "--status-fd", "1"));
        command.addAll(List.of(args));
        return gnupg(command.toArray(new String[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa3072"})
    void gpgImportsThePublicKeyAndVerifiesTheSignature(String algorithm) throws Exception {
        Path keys = OwnLists.keygen(CLOCK, dir.resolve("keys"), "Example Lists <lists@example.org>",
                "--algorithm", algorithm);
        Path list = OwnLists.writeList(dir.resolve("policy.json"), CLOCK.instant(),
                CLOCK.instant().plus(Duration.ofDays(14)), Map.of("partner.example", ".mx.partner.example"));
        Path signature = OwnLists.sign(CLOCK, keys, list);
        String primary = PinnedKeyring.read(keys.resolve("public.asc")).primaryFingerprints().get(0);

        Result imported = gpg("--import", keys.resolve("public.asc").toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertTrue(imported.out().contains("[GNUPG:] IMPORT_OK 1 " + primary), imported.toString());

        Result verified = gpg("--verify", signature.toString(), list.toString());
        assertEquals(0, verified.exit(), verified.toString());
        assertTrue(verified.out().contains("[GNUPG:] GOODSIG "), verified.toString());
        String validSig = verified.out().lines().filter(line -> line.startsWith("[GNUPG:] VALIDSIG ")).findFirst()
                .orElseThrow(() -> new AssertionError(verified.toString()));
        String[] fields = validSig.split(" ");
        assertEquals(primary, fields[fields.length - 1], "made by a subkey of the pinned primary: " + validSig);
        assertNotEquals(primary, fields[2], "the subkey signed, not the primary: " + validSig);
        assertEquals(String.valueOf(CLOCK.instant().getEpochSecond()), fields[4], validSig);

        Files.writeString(list, Files.readString(list).replace("partner", "partnEr"));
        Result tampered = gpg("--verify", signature.toString(), list.toString());
        assertNotEquals(0, tampered.exit(), tampered.toString());
        assertTrue(tampered.out().contains("[GNUPG:] BADSIG "), tampered.toString());
    }

    @Test
    void gpgReadsThePrivateKeyAsACertifyOnlyPrimaryWithASigningSubkey() throws Exception {
        Path keys = OwnLists.keygen(CLOCK, dir.resolve("keys"), "Example Lists <lists@example.org>");

        Result imported = gpg("--import", keys.resolve("private.asc").toString());
        assertEquals(0, imported.exit(), imported.toString());
        Result listed = gpg("--with-colons", "--list-secret-keys");
        assertEquals(0, listed.exit(), listed.toString());
        String expires = String.valueOf(CLOCK.instant().atZone(ZoneOffset.UTC).plusYears(2).toEpochSecond());
        List<String[]> keyLines = listed.out().lines().filter(l -> l.startsWith("sec:") || l.startsWith("ssb:"))
                .map(l -> l.split(":", -1)).toList();
        assertEquals(2, keyLines.size(), listed.out());
        assertEquals("sec", keyLines.get(0)[0]);
        assertEquals("c", keyLines.get(0)[11].replaceAll("[A-Z]", ""), "the primary only certifies: " + listed.out());
        assertEquals(expires, keyLines.get(0)[6], listed.out());
        assertEquals("ssb", keyLines.get(1)[0]);
        assertEquals("s", keyLines.get(1)[11], "the subkey signs: " + listed.out());
        assertEquals(expires, keyLines.get(1)[6], listed.out());
    }
}
