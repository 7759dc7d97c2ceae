package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.starttls.policyd.cli.OwnLists.at;
import static org.starttls.policyd.cli.OwnLists.policyctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.testing.UncheckedSignatures;

/** keygen, then list sign, then policyctl verify: what a publisher makes is what consumers accept, and nothing else. */
class ListSignCommandTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = at(NOW);
    private static final Map<String, String> DOMAINS = Map.of("partner.example", ".mx.partner.example",
            "other.example", "mx1.other.example");

    @TempDir
    Path dir;
    private Path keys;
    private Path list;

    @BeforeEach
    void keyAndList() throws Exception {
        keys = OwnLists.keygen(CLOCK, dir.resolve("keys"), "Example Lists <lists@example.org>", "--valid-years", "1");
        list = OwnLists.writeList(dir.resolve("policy.json"), NOW.minusSeconds(60), NOW.plus(Duration.ofDays(14)),
                DOMAINS);
    }

    private OwnLists.Run sign(Clock clock, String... extra) {
        String[] args = new String[5 + extra.length];
        args[0] = "list";
        args[1] = "sign";
        args[2] = "--key";
        args[3] = keys.resolve("private.asc").toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        args[args.length - 1] = list.toString();
        return policyctl(clock, args);
    }

    private OwnLists.Run verify(Path keyring) {
        return policyctl(CLOCK, "verify", "--keyring", keyring.toString(), list.toString());
    }

    @Test
    void aSignedListVerifiesUnderTheGeneratedPublicKey() throws Exception {
        OwnLists.Run signed = sign(CLOCK);

        assertEquals(0, signed.exit(), signed.toString());
        assertTrue(signed.out().contains("signed " + list + ": 2 domains (2 enforce, 0 testing)"), signed.out());
        assertTrue(signed.out().contains("made at 2026-03-01T10:00:00Z by subkey "), signed.out());
        assertTrue(Files.readString(Path.of(list + ".asc")).startsWith("-----BEGIN PGP SIGNATURE-----"));
        OwnLists.Run verified = verify(keys.resolve("public.asc"));
        assertEquals(0, verified.exit(), verified.toString());
        assertTrue(verified.out().startsWith("OK: signature verified and list valid"), verified.out());
        assertTrue(verified.out().contains("signed by Example Lists <lists@example.org>"), verified.out());
        assertEquals("", signed.err(), "no warning for a key valid for a year");
    }

    @Test
    void jsonSaysWhoSignedWhatAndWhen() throws Exception {
        OwnLists.Run signed = sign(CLOCK, "--json", "--output", dir.resolve("sig.asc").toString());
        assertEquals(0, signed.exit(), signed.toString());
        JsonNode node = new ObjectMapper().readTree(signed.out());
        assertEquals(dir.resolve("sig.asc").toString(), node.get("signature").asText());
        assertEquals("2026-03-01T10:00:00Z", node.get("signed_at").asText());
        assertEquals("Example Lists <lists@example.org>", node.get("user_id").asText());
        assertEquals(2, node.get("domains").asInt());
        assertEquals(NOW.plus(Duration.ofDays(14)).toString(), node.get("expires").asText());
        assertTrue(Files.exists(dir.resolve("sig.asc")) && !Files.exists(Path.of(list + ".asc")));
    }

    @Test
    void aListSignedByAnotherKeyIsRefused() throws Exception {
        Path otherKeys = OwnLists.keygen(CLOCK, dir.resolve("other"), "Someone Else <else@example.net>");
        OwnLists.sign(CLOCK, otherKeys, list);

        OwnLists.Run verified = verify(keys.resolve("public.asc"));
        assertEquals(ExitCodes.REFUSED, verified.exit(), verified.toString());
        assertTrue(verified.err().contains("which is not in the pinned keyring"), verified.err());
    }

    @Test
    void anInvalidListIsNotSignedAndNothingIsWritten() throws Exception {
        Files.writeString(list, Files.readString(list).replace(".mx.partner.example", "bad_mx.partner.example"));
        OwnLists.Run run = sign(CLOCK);
        assertEquals(ExitCodes.REFUSED, run.exit(), run.toString());
        assertTrue(run.err().startsWith("REFUSED: " + list + ": invalid list: policies.\"partner.example\".mxs[0]"),
                run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(Files.exists(Path.of(list + ".asc")));
    }

    @Test
    void anExpiredListOrOneDatedInTheFutureIsNotSigned() throws Exception {
        OwnLists.Run expired = sign(at(NOW.plus(Duration.ofDays(14))));
        assertEquals(ExitCodes.REFUSED, expired.exit(), expired.toString());
        assertTrue(expired.err().contains("the list expired at " + NOW.plus(Duration.ofDays(14))), expired.err());

        OwnLists.writeList(list, NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(14)), DOMAINS);
        OwnLists.Run future = sign(CLOCK);
        assertEquals(ExitCodes.REFUSED, future.exit(), future.toString());
        assertTrue(future.err().contains("is in the future"), future.err());
        OwnLists.writeList(list, NOW.plus(Duration.ofMinutes(4)), NOW.plus(Duration.ofDays(14)), DOMAINS);
        assertEquals(0, sign(CLOCK).exit(), "a few minutes of clock skew are allowed");
    }

    @Test
    void previousGuardsAgainstPublishingARollback() throws Exception {
        Path old = dir.resolve("published.json");
        Files.copy(list, old);
        assertEquals(0, policyctl(CLOCK, "list", "sign", "--key", keys.resolve("private.asc").toString(),
                old.toString()).exit());

        OwnLists.Run same = sign(CLOCK, "--previous", old.toString());
        assertEquals(ExitCodes.REFUSED, same.exit(), same.toString());
        assertTrue(same.err().contains("rollback refused: timestamp " + NOW.minusSeconds(60) + " is not later than"),
                same.err());
        OwnLists.writeList(list, NOW.minusSeconds(3600), NOW.plus(Duration.ofDays(14)), DOMAINS);
        assertEquals(ExitCodes.REFUSED, sign(CLOCK, "--previous", old.toString()).exit(), "older");
        assertFalse(Files.exists(Path.of(list + ".asc")));

        OwnLists.writeList(list, NOW, NOW.plus(Duration.ofDays(14)), DOMAINS);
        OwnLists.Run clockBehind = sign(at(NOW.minusSeconds(30)), "--previous", old.toString());
        assertEquals(ExitCodes.REFUSED, clockBehind.exit(), clockBehind.toString());
        assertTrue(clockBehind.err().contains("before " + old + ".asc was signed (" + NOW + ")"), clockBehind.err());

        OwnLists.Run newer = sign(at(NOW.plusSeconds(60)), "--previous", old.toString());
        assertEquals(0, newer.exit(), newer.toString());
        assertEquals(0, verify(keys.resolve("public.asc")).exit());
    }

    @Test
    void anExpiredKeyDoesNotSignAndASignatureMadeAfterItsExpiryDoesNotVerify() throws Exception {
        Instant keyExpired = NOW.plus(Duration.ofDays(366));
        OwnLists.writeList(list, keyExpired, keyExpired.plus(Duration.ofDays(14)), DOMAINS);

        OwnLists.Run refused = sign(at(keyExpired.plusSeconds(60)));
        assertEquals(ExitCodes.REFUSED, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("expired at 2027-03-01T10:00:00Z"), refused.err());
        assertFalse(Files.exists(Path.of(list + ".asc")));

        Files.write(Path.of(list + ".asc"), UncheckedSignatures.bySubkey(Files.readAllBytes(keys.resolve("private.asc")),
                Files.readAllBytes(list), keyExpired.plusSeconds(60)));
        OwnLists.Run verified = verify(keys.resolve("public.asc"));
        assertEquals(ExitCodes.REFUSED, verified.exit(), verified.toString());
        assertTrue(verified.err().contains("expired at 2027-03-01T10:00:00Z, before the signature was made"),
                verified.err());
    }

    @Test
    void aKeyAboutToExpireIsSaidSo() throws Exception {
        Instant late = NOW.plus(Duration.ofDays(350));
        OwnLists.writeList(list, late, late.plus(Duration.ofDays(14)), DOMAINS);

        OwnLists.Run run = sign(at(late));

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().startsWith("WARNING: the signing key expires at 2027-03-01T10:00:00Z, in 15 d:"),
                run.err());
    }

    @Test
    void theSignatureReplacesAnOldOneAtomicallyButNeverTheListOrTheKey() throws Exception {
        Path signature = Path.of(list + ".asc");
        Files.writeString(signature, "old signature");
        assertEquals(0, sign(CLOCK).exit());
        assertEquals(0, verify(keys.resolve("public.asc")).exit());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "no leftovers");
        }

        byte[] listBefore = Files.readAllBytes(list);
        OwnLists.Run ontoList = sign(CLOCK, "--output", list.toString());
        assertEquals(ExitCodes.REFUSED, ontoList.exit(), ontoList.toString());
        assertTrue(ontoList.err().contains("is the same file as"), ontoList.err());
        assertEquals(new String(listBefore), Files.readString(list));
        assertEquals(ExitCodes.REFUSED, sign(CLOCK, "--output", keys.resolve("private.asc").toString()).exit());
    }

    @Test
    void filesThatCannotBeUsedAreSaidInOneLine() throws Exception {
        OwnLists.Run publicKey = policyctl(CLOCK, "list", "sign", "--key", keys.resolve("public.asc").toString(),
                list.toString());
        assertEquals(ExitCodes.REFUSED, publicKey.exit(), publicKey.toString());
        assertTrue(publicKey.err().contains("it is a PUBLIC key"), publicKey.err());

        OwnLists.Run missing = policyctl(CLOCK, "list", "sign", "--key", keys.resolve("private.asc").toString(),
                dir.resolve("nope.json").toString());
        assertEquals(ExitCodes.IO_ERROR, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("ERROR: " + dir.resolve("nope.json") + ": no such file"), missing.err());

        OwnLists.Run unwritable = sign(CLOCK, "--output", dir.resolve("no-such-dir/sig.asc").toString());
        assertEquals(ExitCodes.IO_ERROR, unwritable.exit(), unwritable.toString());

        OwnLists.Run noKey = policyctl(CLOCK, "list", "sign", list.toString());
        assertEquals(ExitCodes.USAGE, noKey.exit());
        OwnLists.Run noSubcommand = policyctl(CLOCK, "list");
        assertEquals(ExitCodes.USAGE, noSubcommand.exit());
        assertTrue(noSubcommand.err().contains("Missing subcommand"), noSubcommand.err());
    }
}
