package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.starttls.policyd.core.EmbeddedDefault;
import org.starttls.policyd.core.ListVerifier;
import org.starttls.policyd.core.testing.TestKey;
import org.starttls.policyd.core.testing.TestKeys;
import org.starttls.policyd.core.testing.TestLists;

/** The keyring record sealed with each generation, and the one rule every reader chooses its keys by. */
class KeyringChoiceTest {
    private static final TestKey OTHER = TestKeys.other();

    @TempDir
    Path root;
    @TempDir
    Path sources;

    private final Clock clock = Clock.fixed(ListUpdaterTest.DAY2.plus(Duration.ofHours(1)), ZoneOffset.UTC);

    private UpdateResult update(TestKey key, TestLists.Signed pair, String name) {
        return new ListUpdater(ListSource.files(pair.writeTo(sources, name)), new HttpListDownloader(FetchSettings.DEFAULTS),
                new ListVerifier(key.keyring()), new StateDirectory(root), clock).update();
    }

    @Test
    void anInstallRecordsItsKeyringAndReadersThatNameNoneVerifyWithIt() throws Exception {
        assertInstanceOf(UpdateResult.Installed.class, update(ListUpdaterTest.KEY, ListUpdaterTest.day1(), "day1.json"));

        Path generation = root.resolve("current").toRealPath();
        assertTrue(Files.readString(generation.resolve(KeyringRecord.FINGERPRINTS_FILE))
                .contains(ListUpdaterTest.KEY.primaryFingerprint()));
        KeyringChoice choice = KeyringChoice.choose(null, new StateDirectory(root));
        assertFalse(choice.rotation());
        assertNull(choice.problem());
        assertEquals(List.of(ListUpdaterTest.KEY.primaryFingerprint()), choice.keyring().primaryFingerprints());
        assertTrue(choice.description().contains("recorded with the installed list"), choice.description());
        InstalledPair pair = new StateDirectory(root).readInstalled().orElseThrow();
        assertNotNull(new ListVerifier(choice.keyring()).verify(pair.list(), pair.signature(), "installed"));

        KeyringChoice same = KeyringChoice.choose(ListUpdaterTest.KEY.keyring(), new StateDirectory(root));
        assertFalse(same.rotation());
    }

    @Test
    void namingOtherKeysIsARotationAndTheNextInstallRecordsThem() throws Exception {
        update(ListUpdaterTest.KEY, ListUpdaterTest.day1(), "day1.json");

        KeyringChoice rotation = KeyringChoice.choose(OTHER.keyring(), new StateDirectory(root));
        assertTrue(rotation.rotation());
        assertTrue(rotation.description().startsWith("KEY ROTATION: ")
                && rotation.description().contains(ListUpdaterTest.KEY.primaryFingerprint()), rotation.description());
        assertEquals(List.of(OTHER.primaryFingerprint()), rotation.keyring().primaryFingerprints());

        // The old key's list is not accepted under the new keys; a list signed by them is, and is recorded.
        TestLists.Signed byOther = TestLists.signed(OTHER, ListUpdaterTest.DAY2.plusSeconds(60),
                ListJson.list(ListUpdaterTest.DAY2, ListUpdaterTest.EXPIRES).enforce("z.example", "mx.z.example").bytes());
        assertInstanceOf(UpdateResult.Installed.class, update(OTHER, byOther, "other.json"));
        KeyringChoice after = KeyringChoice.choose(null, new StateDirectory(root));
        assertEquals(List.of(OTHER.primaryFingerprint()), after.keyring().primaryFingerprints());
    }

    @Test
    void withoutARecordTheEmbeddedKeyIsTheDefault() throws Exception {
        KeyringChoice empty = KeyringChoice.choose(null, new StateDirectory(root));
        assertEquals(EmbeddedDefault.keyring().primaryFingerprints(), empty.keyring().primaryFingerprints());
        assertTrue(empty.description().contains("nothing is installed"), empty.description());

        new StateDirectory(root).install(ListUpdaterTest.day1().list(), ListUpdaterTest.day1().signature());
        KeyringChoice legacy = KeyringChoice.choose(null, new StateDirectory(root));
        assertEquals(EmbeddedDefault.keyring().primaryFingerprints(), legacy.keyring().primaryFingerprints());
        assertTrue(legacy.description().contains("without a keyring record"), legacy.description());
    }

    @Test
    void aDamagedRecordIsAProblemNotASilentFallback() throws Exception {
        update(ListUpdaterTest.KEY, ListUpdaterTest.day1(), "day1.json");
        Path fingerprints = root.resolve("current").toRealPath().resolve(KeyringRecord.FINGERPRINTS_FILE);
        Files.writeString(fingerprints, OTHER.primaryFingerprint() + "\n", StandardCharsets.UTF_8);

        KeyringChoice choice = KeyringChoice.choose(null, new StateDirectory(root));
        assertNotNull(choice.problem());
        assertTrue(choice.problem().contains("is damaged"), choice.problem());
        KeyringChoice named = KeyringChoice.choose(ListUpdaterTest.KEY.keyring(), new StateDirectory(root));
        assertEquals(List.of(ListUpdaterTest.KEY.primaryFingerprint()), named.keyring().primaryFingerprints());
    }
}
