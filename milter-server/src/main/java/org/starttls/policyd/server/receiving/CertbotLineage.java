package org.starttls.policyd.server.receiving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A certbot lineage: {@code LETSENCRYPT/live/NAME/fullchain.pem} and {@code privkey.pem}, which certbot keeps current. */
public record CertbotLineage(Path letsencryptDirectory, String name) {
    public CertbotLineage {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("\"" + name + "\" is not a certbot certificate name");
        }
    }

    public Path fullchain() {
        return letsencryptDirectory.resolve("live").resolve(name).resolve("fullchain.pem");
    }

    public Path privkey() {
        return letsencryptDirectory.resolve("live").resolve(name).resolve("privkey.pem");
    }

    /** Where certbot runs hooks after every successful renewal of any lineage. */
    public Path deployHookDirectory() {
        return letsencryptDirectory.resolve("renewal-hooks").resolve("deploy");
    }

    /** Throws when certbot has not issued this lineage (yet). */
    public void requireIssued() throws IOException {
        for (Path file : new Path[] {fullchain(), privkey()}) {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString(), null,
                        "no such file: obtain the certificate first (certbot certonly --cert-name " + name + " ...)");
            }
        }
    }
}
