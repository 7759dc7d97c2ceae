package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.cli.OwnLists.at;
import static org.starttls.policyd.cli.OwnLists.policyctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.signature.PinnedKeyring;

class KeygenCommandTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = at(NOW);
    private static final String NAME = "Example Org STARTTLS list <postmaster@example.org>";

    @TempDir
    Path dir;

    @Test
    void writesAnOwnerOnlyPrivateKeyAndThePublicKeyringToPinAndPrintsTheFingerprint() throws Exception {
        Path keys = dir.resolve("keys");
        OwnLists.Run run = policyctl(CLOCK, "keygen", "--name", NAME, "--output", keys.toString());

        assertEquals(0, run.exit(), run.toString());
        Path privateKey = keys.resolve("private.asc");
        Path publicKey = keys.resolve("public.asc");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(publicKey)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)), "a new DIR");
        assertTrue(Files.readString(privateKey).startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
        PinnedKeyring pinned = PinnedKeyring.read(publicKey);
        String fingerprint = pinned.primaryFingerprints().get(0);
        assertTrue(run.out().contains("fingerprint:    " + fingerprint + " (primary key, certifies only)"), run.out());
        assertTrue(run.out().contains("valid until 2028-03-01T10:00:00Z"), run.out());
        assertEquals(List.of(), List.of(dir.resolve("keys").toFile().list()).stream()
                .filter(name -> !name.equals("private.asc") && !name.equals("public.asc")).toList(), "no leftovers");
    }

    @Test
    void neverOverwritesAKeyAndLeavesBothFilesAsTheyWere() throws Exception {
        Path keys = OwnLists.keygen(CLOCK, dir.resolve("keys"), NAME);
        byte[] privateBefore = Files.readAllBytes(keys.resolve("private.asc"));
        byte[] publicBefore = Files.readAllBytes(keys.resolve("public.asc"));

        OwnLists.Run again = policyctl(CLOCK, "keygen", "--name", "Other <o@example.org>", "--output", keys.toString());

        assertEquals(ExitCodes.REFUSED, again.exit(), again.toString());
        assertTrue(again.err().startsWith("REFUSED: " + keys.resolve("private.asc") + " exists already"), again.err());
        assertEquals(1, again.err().strip().lines().count(), again.err());
        assertArrayEquals(privateBefore, Files.readAllBytes(keys.resolve("private.asc")));
        assertArrayEquals(publicBefore, Files.readAllBytes(keys.resolve("public.asc")));

        Path onlyPublic = dir.resolve("only-public");
        Files.createDirectories(onlyPublic);
        Files.writeString(onlyPublic.resolve("public.asc"), "someone's key");
        OwnLists.Run publicTaken = policyctl(CLOCK, "keygen", "--name", NAME, "--output", onlyPublic.toString());
        assertEquals(ExitCodes.REFUSED, publicTaken.exit(), publicTaken.toString());
        assertFalse(Files.exists(onlyPublic.resolve("private.asc")), "nothing written");
        assertEquals("someone's key", Files.readString(onlyPublic.resolve("public.asc")));
    }

    @Test
    void jsonNamesTheFilesTheFingerprintsAndTheExpiry() throws Exception {
        OwnLists.Run run = policyctl(CLOCK, "keygen", "--json", "--name", NAME, "--output", dir.toString(),
                "--valid-years", "1");
        assertEquals(0, run.exit(), run.toString());
        JsonNode node = new ObjectMapper().readTree(run.out());
        assertEquals(NAME, node.get("user_id").asText());
        assertEquals("ed25519", node.get("algorithm").asText());
        assertEquals("2026-03-01T10:00:00Z", node.get("created").asText());
        assertEquals("2027-03-01T10:00:00Z", node.get("expires").asText());
        assertEquals(PinnedKeyring.read(dir.resolve("public.asc")).primaryFingerprints().get(0),
                node.get("primary_fingerprint").asText());
        assertEquals(40, node.get("signing_fingerprint").asText().length());
        assertEquals(dir.resolve("private.asc").toString(), node.get("private_key").asText());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(ExitCodes.USAGE, policyctl(CLOCK, "keygen", "--name", NAME, "--output", dir.toString(),
                "--valid-years", "0").exit());
        assertEquals(ExitCodes.USAGE, policyctl(CLOCK, "keygen", "--name", NAME, "--output", dir.toString(),
                "--valid-years", "11").exit());
        OwnLists.Run dsa = policyctl(CLOCK, "keygen", "--name", NAME, "--output", dir.toString(), "--algorithm", "dsa");
        assertEquals(ExitCodes.USAGE, dsa.exit());
        assertTrue(dsa.err().contains("is not ed25519 or rsa3072"), dsa.err());
        assertEquals(ExitCodes.USAGE, policyctl(CLOCK, "keygen", "--name", "two\nlines", "--output",
                dir.toString()).exit());
        assertEquals(ExitCodes.USAGE, policyctl(CLOCK, "keygen", "--output", dir.toString()).exit(), "--name is required");
        assertFalse(Files.exists(dir.resolve("private.asc")));
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsAnIoError() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        OwnLists.Run run = policyctl(CLOCK, "keygen", "--name", NAME, "--output", file.resolve("keys").toString());
        assertEquals(ExitCodes.IO_ERROR, run.exit(), run.toString());
        assertTrue(run.err().startsWith("ERROR: "), run.err());
    }
}
