package org.starttls.policyd.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The real last EFF list, its signature and the authority key, as packaged for the embedded
 * default, and clocks frozen inside and after its validity window (2020-05-20 .. 2020-06-03).
 */
public final class EffFixture {
    public static final String RESOURCE_DIR = "/org/starttls/policyd/core/embedded/";
    public static final Instant IN_WINDOW = Instant.parse("2020-05-25T12:00:00Z");
    public static final Instant AFTER_EXPIRY = Instant.parse("2020-06-04T00:00:00Z");
    public static final Clock CLOCK_IN_WINDOW = Clock.fixed(IN_WINDOW, ZoneOffset.UTC);
    public static final Clock CLOCK_AFTER_EXPIRY = Clock.fixed(AFTER_EXPIRY, ZoneOffset.UTC);

    /** Counts stated in the data's README: 926 domains, 361 enforce, 553 testing, 12 via alias. */
    public static final int DOMAINS = 926;
    public static final int ENFORCE = 361;
    public static final int TESTING_OWN = 553;
    public static final int VIA_ALIAS = 12;

    private EffFixture() {
    }

    public static byte[] listBytes() {
        return resource("policy.json");
    }

    public static byte[] signatureBytes() {
        return resource("policy.json.asc");
    }

    public static byte[] armoredKey() {
        return resource("authority.key.asc");
    }

    public static byte[] resource(String name) {
        try (InputStream in = EffFixture.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCE_DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
