package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.HumanDuration;
import org.starttls.policyd.core.ListRejectedException;
import org.starttls.policyd.core.ListRejectedException.Reason;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.list.ListFormatException;
import org.starttls.policyd.core.list.PolicyMode;
import org.starttls.policyd.core.list.PreloadList;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.signature.ListSigner;
import org.starttls.policyd.core.signature.SignatureVerificationException;
import org.starttls.policyd.fetcher.FetchSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code policyctl list sign --key PRIVATE [--output LIST.asc] [--previous OLD] LIST}: a detached
 * signature that consumers' policyd (and gpg) accept, made only for a list they would accept.
 */
@Command(name = "sign", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sign LIST's exact bytes with a detached, armored OpenPGP signature, written atomically to "
                + "--output. The list must validate as policyd validates it and must not have expired; with "
                + "--previous its timestamp must be later than the previous edition's (consumers refuse an older "
                + "list as a rollback). The signature is checked against the key's own public part before it is "
                + "written."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:The signature was written.",
            "2:Invalid command line.",
            "3:Refused, nothing written: the list does not validate, has expired, has a timestamp in the future or "
                + "not later than --previous, or the key cannot sign (not a private key, expired, revoked, "
                + "protected by a passphrase).",
            "70:Internal error.",
            "74:A file could not be read, or --output could not be written (the reason is printed; the old file is "
                + "untouched)."})
final class ListSignCommand implements Callable<Integer> {
    /** A list's timestamp may run ahead of this machine's clock by this much (another machine's clock). */
    static final Duration MAX_TIMESTAMP_AHEAD = Duration.ofMinutes(5);
    /** Below this, each signing says that the key is about to expire. */
    static final Duration KEY_EXPIRY_WARNING = Duration.ofDays(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "PRIVATE",
            description = "The secret keyring to sign with (private.asc from 'policyctl keygen').")
    Path key;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write the signature (default: LIST + .asc).")
    Path output;

    @Option(names = "--previous", paramLabel = "OLD_LIST",
            description = "The edition published before: LIST's timestamp must be later than its timestamp, and this "
                    + "machine's clock not earlier than the time OLD_LIST.asc was signed, when that file exists.")
    Path previous;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Parameters(index = "0", paramLabel = "LIST", description = "The list to sign, in EFF's format (docs/list-format.md).")
    Path list;

    private final Clock clock;

    ListSignCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        Instant now = clock.instant();
        Path target = output != null ? output : Path.of(list + ".asc");
        refuseClobbering(target);
        byte[] listBytes = readBounded(list, FetchSettings.DEFAULT_MAX_LIST_BYTES, "list");
        PreloadList parsed = parse(listBytes, list.toString());
        checkDates(parsed, now);
        if (previous != null) {
            checkNewerThanPrevious(parsed, now);
        }
        ListSigner signer = signer();
        ListSigner.SignedList signed;
        try {
            signed = signer.sign(listBytes, now);
        } catch (SignatureVerificationException e) {
            throw new RefusedException(e.getMessage());
        }
        // What policyctl verify and policyd do with the pair, under the key's own public part.
        VerifiedList verified = new ListVerifier(signer.publicKeyring()).verify(listBytes, signed.armoredSignature(),
                list.toString());
        AtomicFiles.write(target, new String(signed.armoredSignature(), StandardCharsets.US_ASCII));
        warnOfKeyExpiry(signer, now);
        print(verified, target);
        return ExitCodes.OK;
    }

    /** An --output that names the list or the key would destroy what was just signed, or the key. */
    private void refuseClobbering(Path target) throws RefusedException {
        for (Path precious : new Path[] {list, key}) {
            if (same(target, precious)) {
                throw new RefusedException("--output " + target + " is the same file as " + precious
                        + "; the signature goes beside the list (default: LIST.asc)");
            }
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())
                    || (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b));
        } catch (IOException e) {
            return false;
        }
    }

    private static PreloadList parse(byte[] bytes, String source) throws ListRejectedException {
        try {
            return PreloadListParser.parse(bytes);
        } catch (ListFormatException e) {
            throw new ListRejectedException(Reason.FORMAT, source + ": invalid list: " + e.getMessage(), e);
        }
    }

    private void checkDates(PreloadList parsed, Instant now) throws ListRejectedException {
        if (parsed.isExpiredAt(now)) {
            throw new ListRejectedException(Reason.EXPIRED, list + ": the list expired at " + parsed.expires()
                    + " (now " + now + "); give it a later \"expires\" and a new \"timestamp\"");
        }
        if (parsed.timestamp().isAfter(now.plus(MAX_TIMESTAMP_AHEAD))) {
            // Consumers would then refuse every later edition dated before it as a rollback.
            throw new ListRejectedException(Reason.FORMAT, list + ": the list's timestamp " + parsed.timestamp()
                    + " is in the future (now " + now + "); consumers would refuse every edition dated before it");
        }
    }

    private void checkNewerThanPrevious(PreloadList parsed, Instant now)
            throws ListRejectedException, IOException, RefusedException {
        PreloadList old = parse(readBounded(previous, FetchSettings.DEFAULT_MAX_LIST_BYTES, "previous list"),
                "--previous " + previous);
        if (!parsed.timestamp().isAfter(old.timestamp())) {
            throw new ListRejectedException(Reason.ROLLBACK, list + ": rollback refused: timestamp "
                    + parsed.timestamp() + " is not later than " + previous + "'s " + old.timestamp()
                    + "; consumers that installed it would keep it");
        }
        Path oldSignature = Path.of(previous + ".asc");
        if (!Files.isRegularFile(oldSignature)) {
            return;
        }
        Instant oldSignedAt;
        try {
            oldSignedAt = ListSigner.signatureTime(readBounded(oldSignature, FetchSettings.DEFAULT_MAX_SIGNATURE_BYTES,
                    "previous signature"));
        } catch (SignatureVerificationException e) {
            spec.commandLine().getErr().println("NOTE: " + oldSignature + " was not read (" + e.getMessage()
                    + "); only the timestamps were compared");
            return;
        }
        if (now.isBefore(oldSignedAt)) {
            throw new ListRejectedException(Reason.ROLLBACK, list + ": rollback refused: this machine's clock says "
                    + now + ", before " + oldSignature + " was signed (" + oldSignedAt
                    + "); consumers refuse a list signed earlier than the one they have (check the clock)");
        }
    }

    private ListSigner signer() throws IOException, RefusedException {
        try {
            return ListSigner.read(readBounded(key, ListSigner.MAX_SECRET_KEYRING_BYTES, "key"), key.toString());
        } catch (SignatureVerificationException e) {
            throw new RefusedException(e.getMessage());
        }
    }

    private void warnOfKeyExpiry(ListSigner signer, Instant now) {
        try {
            Instant expires = signer.signingKeyExpiresAt(now);
            if (expires != null && Duration.between(now, expires).compareTo(KEY_EXPIRY_WARNING) < 0) {
                spec.commandLine().getErr().println("WARNING: the signing key expires at " + expires + ", in "
                        + HumanDuration.format(Duration.between(now, expires))
                        + ": after that it signs nothing; extend it or rotate to a new key (docs/list-updates.md)");
            }
        } catch (SignatureVerificationException e) {
            // It signed a moment ago, so it is valid now; nothing to warn about.
        }
    }

    /** The file's bytes; larger than {@code max} is refused before reading (IOException: exit 74). */
    private static byte[] readBounded(Path file, long max, String what) throws IOException, RefusedException {
        long size = Files.size(file);
        if (size > max) {
            throw new RefusedException("the " + what + " " + file + " is " + size
                    + " bytes, more than " + max + " (what policyd reads at most)");
        }
        return Files.readAllBytes(file);
    }

    private void print(VerifiedList verified, Path target) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PreloadList signedList = verified.list();
        var info = verified.signature();
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("list", list.toString());
            node.put("signature", target.toString());
            node.put("signed_at", info.signatureTime().toString());
            node.put("signing_key", info.signingKeyFingerprint());
            node.put("primary_key", info.primaryKeyFingerprint());
            node.put("user_id", info.userId());
            node.put("timestamp", signedList.timestamp().toString());
            node.put("expires", signedList.expires().toString());
            node.put("domains", signedList.size());
            node.put("enforce", signedList.count(PolicyMode.ENFORCE));
            node.put("testing", signedList.count(PolicyMode.TESTING));
            out.println(JSON.writeValueAsString(node));
        } else {
            out.println("signed " + list + ": " + signedList.size() + (signedList.size() == 1 ? " domain (" : " domains (")
                    + signedList.count(PolicyMode.ENFORCE) + " enforce, " + signedList.count(PolicyMode.TESTING)
                    + " testing), timestamp " + signedList.timestamp() + ", expires " + signedList.expires());
            boolean bySubkey = !info.signingKeyFingerprint().equals(info.primaryKeyFingerprint());
            out.println("signature " + target + ": made at " + info.signatureTime() + " by "
                    + (bySubkey ? "subkey " + info.signingKeyFingerprint() + " of " : "") + info.signerDescription());
        }
        out.flush();
    }
}
