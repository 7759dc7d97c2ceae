package org.starttls.policyd.server.receiving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sendmail's TLS settings, read from the generated {@code sendmail.cf} (the {@code O} option lines
 * the {@code .mc} file's {@code confSERVER_CERT} etc. become), read through a size bound.
 */
public final class SendmailSettings implements MtaSettings {
    /** A sendmail.cf is about 60 KB; more than this is not one. */
    static final int MAX_CF_BYTES = 1 << 20;

    private final Map<String, String> options;
    private final String ownName;
    private final boolean stsMap;

    private SendmailSettings(Map<String, String> options, String ownName, boolean stsMap) {
        this.options = options;
        this.ownName = ownName;
        this.stsMap = stsMap;
    }

    public static SendmailSettings read(Path cfFile) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(cfFile)) {
            bytes = in.readNBytes(MAX_CF_BYTES + 1);
        }
        if (bytes.length > MAX_CF_BYTES) {
            throw new IOException(cfFile + " is larger than " + MAX_CF_BYTES + " bytes: not a sendmail.cf");
        }
        Map<String, String> options = new HashMap<>();
        String ownName = "";
        boolean stsMap = false;
        for (String line : new String(bytes, StandardCharsets.ISO_8859_1).split("\n")) {
            if (line.startsWith("O ") && line.indexOf('=') > 2) {
                options.put(line.substring(2, line.indexOf('=')).strip(), line.substring(line.indexOf('=') + 1).strip());
            } else if (line.startsWith("Dj")) {
                ownName = line.substring(2).strip();
            } else if (line.startsWith("Ksts ")) {
                stsMap = true;
            }
        }
        return new SendmailSettings(options, ownName.contains("$") ? "" : ownName, stsMap);
    }

    private String option(String name) {
        return options.getOrDefault(name, "");
    }

    @Override
    public List<String> ownNames() {
        return ownName.isEmpty() ? List.of() : List.of(ownName);
    }

    @Override
    public List<Path> certificateFiles() {
        return option("ServerCertFile").isEmpty() ? List.of() : List.of(Path.of(option("ServerCertFile")));
    }

    @Override
    public List<Path> keyFiles() {
        return option("ServerKeyFile").isEmpty() ? List.of() : List.of(Path.of(option("ServerKeyFile")));
    }

    @Override
    public List<Finding> outboundFindings() {
        List<Finding> findings = new ArrayList<>();
        findings.add(stsMap ? Finding.pass("sts_map", "FEATURE(`sts') is configured (Ksts map)")
                : Finding.warn("sts_map", "no Ksts map: Sendmail does not ask policyd",
                        "add FEATURE(`sts', `socket inet:5461@127.0.0.1') to the .mc file (see the operator guide)"));
        String caFile = option("CACertFile");
        String caPath = option("CACertPath");
        if (caFile.isEmpty() && caPath.isEmpty()) {
            findings.add(Finding.fail("ca_cert", "neither CACertFile nor CACertPath is set: Sendmail cannot verify "
                            + "any certificate, so policyd's answers defer the mail",
                    "define(`confCACERT', `/etc/ssl/certs/ca-certificates.crt')dnl and "
                            + "define(`confCACERT_PATH', `/etc/ssl/certs')dnl in the .mc file"));
        } else {
            findings.add(Finding.pass("ca_cert", caFile.isEmpty() ? "CACertPath=" + caPath : "CACertFile=" + caFile));
        }
        return findings;
    }
}
