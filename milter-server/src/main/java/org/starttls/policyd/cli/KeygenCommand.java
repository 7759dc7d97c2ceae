package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import org.starttls.policyd.core.signature.GeneratedKey;
import org.starttls.policyd.core.signature.KeyAlgorithm;
import org.starttls.policyd.core.signature.SigningKeyGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code policyctl keygen --name NAME --output DIR}: a key pair to sign your own lists with. */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make an OpenPGP key pair to sign lists with: a primary key that only certifies and a signing "
                + "subkey bound to it, both expiring after --valid-years.",
            "Writes DIR/private.asc (the secret keyring, mode 0600, NOT protected by a passphrase, so that "
                + "'policyctl list sign' can run unattended) and DIR/public.asc (the keyring consumers pin with "
                + "list.keyring), and prints the primary key's fingerprint. Never overwrites either file."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:The key pair was written.",
            "2:Invalid command line.",
            "3:Refused, nothing written: DIR/private.asc or DIR/public.asc exists already.",
            "70:Internal error.",
            "74:DIR could not be created or written (the reason is printed)."})
final class KeygenCommand implements Callable<Integer> {
    static final String PRIVATE_KEY_FILE = "private.asc";
    static final String PUBLIC_KEY_FILE = "public.asc";
    static final int MAX_VALID_YEARS = 10;
    private static final int MAX_NAME_CHARS = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "The key's user ID, e.g. 'Example Org STARTTLS list <postmaster@example.org>'.")
    String name;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Where to write private.asc and public.asc (created, mode 0700, when missing).")
    Path output;

    @Option(names = "--valid-years", paramLabel = "N", defaultValue = "2",
            description = "Years until the key expires, 1 to " + MAX_VALID_YEARS + " (default: ${DEFAULT-VALUE}).")
    int validYears;

    @Option(names = "--algorithm", paramLabel = "ALGORITHM", defaultValue = "ed25519",
            converter = AlgorithmConverter.class,
            description = "ed25519 or rsa3072 (default: ${DEFAULT-VALUE}).")
    KeyAlgorithm algorithm;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    private final Clock clock;
    private final SecureRandom random;

    KeygenCommand(Clock clock) {
        this(clock, new SecureRandom());
    }

    KeygenCommand(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** Picocli's spelling of the algorithm names: lower case, as gpg spells them. */
    static final class AlgorithmConverter implements ITypeConverter<KeyAlgorithm> {
        @Override
        public KeyAlgorithm convert(String value) {
            try {
                return KeyAlgorithm.of(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        checkArguments();
        Path privateKey = output.resolve(PRIVATE_KEY_FILE);
        Path publicKey = output.resolve(PUBLIC_KEY_FILE);
        // Checked before the (slow, for RSA) generation; the write itself refuses again atomically.
        refuseExisting(privateKey);
        refuseExisting(publicKey);
        Instant created = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = created.atZone(ZoneOffset.UTC).plusYears(validYears).toInstant();
        GeneratedKey key = SigningKeyGenerator.generate(name, algorithm, created, expires, random);
        createDirectory(output);
        write(privateKey, key.armoredSecretKeyring(), "rw-------");
        try {
            write(publicKey, key.armoredPublicKeyring(), "rw-r--r--");
        } catch (RefusedException | IOException e) {
            // Both files or neither: a private key without its public half would block the next try.
            Files.deleteIfExists(privateKey);
            throw e;
        }
        print(key, privateKey, publicKey);
        return ExitCodes.OK;
    }

    private void checkArguments() {
        if (name.isBlank() || name.length() > MAX_NAME_CHARS || name.chars().anyMatch(Character::isISOControl)) {
            throw new ParameterException(spec.commandLine(), "--name: a user ID of 1 to " + MAX_NAME_CHARS
                    + " characters on one line, e.g. 'Example Org STARTTLS list <postmaster@example.org>'");
        }
        if (validYears < 1 || validYears > MAX_VALID_YEARS) {
            throw new ParameterException(spec.commandLine(), "--valid-years: " + validYears + " is not between 1 and "
                    + MAX_VALID_YEARS + " (extend a key before it expires rather than making one that never does)");
        }
    }

    private static void refuseExisting(Path file) throws RefusedException {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new RefusedException(file + " exists already; keygen never overwrites a key "
                    + "(move it away, or choose another --output)");
        }
    }

    private static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    private static void write(Path file, byte[] bytes, String mode) throws IOException, RefusedException {
        try {
            AtomicFiles.createNew(file, bytes, mode);
        } catch (FileAlreadyExistsException e) {
            refuseExisting(file);
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + IoErrors.describe(e), e);
        }
    }

    private void print(GeneratedKey key, Path privateKey, Path publicKey) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.put("user_id", key.userId());
            node.put("algorithm", key.algorithm().wireName());
            node.put("primary_fingerprint", key.primaryFingerprint());
            node.put("signing_fingerprint", key.signingFingerprint());
            node.put("created", key.created().toString());
            node.put("expires", key.expires().toString());
            node.put("private_key", privateKey.toString());
            node.put("public_key", publicKey.toString());
            out.println(JSON.writeValueAsString(node));
        } else {
            out.println("created an " + key.algorithm().wireName() + " key for \"" + key.userId() + "\", valid until "
                    + key.expires());
            out.println("fingerprint:    " + key.primaryFingerprint() + " (primary key, certifies only)");
            out.println("signing subkey: " + key.signingFingerprint());
            out.println("private key:    " + privateKey + " (mode 0600, no passphrase: keep it on this machine, "
                    + "back it up offline)");
            out.println("public key:     " + publicKey + " (give it to consumers: list.keyring)");
        }
        out.flush();
    }
}
