package org.starttls.policyd.server.receiving;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.starttls.policyd.server.receiving.Postconf.PostfixException;

/** A Postfix instance's TLS settings, read with {@code postconf -c DIR -h}. */
public final class PostfixSettings implements MtaSettings {
    private final String myhostname;
    private final List<Path> certificateFiles;
    private final List<Path> keyFiles;
    private final List<Finding> outbound;

    private PostfixSettings(String myhostname, List<Path> certificateFiles, List<Path> keyFiles, List<Finding> outbound) {
        this.myhostname = myhostname;
        this.certificateFiles = certificateFiles;
        this.keyFiles = keyFiles;
        this.outbound = outbound;
    }

    public static PostfixSettings read(Postconf postconf) throws PostfixException {
        String chainFiles = postconf.value("smtpd_tls_chain_files");
        List<Path> certificates = new ArrayList<>();
        List<Path> keys = new ArrayList<>();
        if (!chainFiles.isBlank()) {
            // Postfix 3.4+: key and certificates in one list, which takes precedence over cert_file/key_file.
            for (Path file : paths(chainFiles)) {
                certificates.add(file);
                keys.add(file);
            }
        } else {
            for (String[] pair : new String[][] {{"smtpd_tls_cert_file", "smtpd_tls_key_file"},
                    {"smtpd_tls_eccert_file", "smtpd_tls_eckey_file"}}) {
                List<Path> cert = paths(postconf.value(pair[0]));
                certificates.addAll(cert);
                List<Path> key = paths(postconf.value(pair[1]));
                keys.addAll(key.isEmpty() ? cert : key); // an empty key_file means: the key is in cert_file
            }
        }
        return new PostfixSettings(postconf.value("myhostname"), List.copyOf(new LinkedHashSet<>(certificates)),
                List.copyOf(new LinkedHashSet<>(keys)), outbound(postconf));
    }

    private static List<Finding> outbound(Postconf postconf) throws PostfixException {
        List<Finding> findings = new ArrayList<>();
        String policyMaps = postconf.value("smtp_tls_policy_maps");
        if (policyMaps.contains("socketmap:")) {
            findings.add(Finding.pass("smtp_tls_policy_maps", "smtp_tls_policy_maps = " + policyMaps));
        } else {
            findings.add(Finding.warn("smtp_tls_policy_maps",
                    policyMaps.isBlank() ? "smtp_tls_policy_maps is empty: policyd is not asked, nothing is enforced"
                            : "smtp_tls_policy_maps = " + policyMaps + " has no socketmap: policyd is not asked",
                    "postconf -e 'smtp_tls_policy_maps = socketmap:inet:127.0.0.1:5461:starttls' "
                            + "(the socketmap door of policyd.yaml; see the operator guide)"));
        }
        String caFile = postconf.value("smtp_tls_CAfile");
        String caPath = postconf.value("smtp_tls_CApath");
        if (caFile.isBlank() && caPath.isBlank()) {
            findings.add(Finding.fail("smtp_tls_CAfile",
                    "neither smtp_tls_CAfile nor smtp_tls_CApath is set: Postfix cannot verify any certificate, "
                            + "so every 'secure' answer from policyd defers the mail",
                    "postconf -e 'smtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt'"));
        } else if (!caFile.isBlank() && !Files.isReadable(Path.of(caFile))) {
            findings.add(Finding.fail("smtp_tls_CAfile", "smtp_tls_CAfile = " + caFile + " cannot be read",
                    "point smtp_tls_CAfile at a readable CA bundle, e.g. /etc/ssl/certs/ca-certificates.crt"));
        } else if (caFile.isBlank() && !Files.isDirectory(Path.of(caPath))) {
            findings.add(Finding.fail("smtp_tls_CAfile", "smtp_tls_CApath = " + caPath + " is not a directory",
                    "postconf -e 'smtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt'"));
        } else {
            findings.add(Finding.pass("smtp_tls_CAfile", caFile.isBlank() ? "smtp_tls_CApath = " + caPath
                    : "smtp_tls_CAfile = " + caFile));
        }
        String dnsLevel = postconf.value("smtp_dns_support_level").toLowerCase(Locale.ROOT);
        if (dnsLevel.equals("dnssec")) {
            findings.add(Finding.pass("dane_prerequisites", "smtp_dns_support_level = dnssec"));
        } else {
            findings.add(Finding.warn("dane_prerequisites",
                    "smtp_dns_support_level = " + (dnsLevel.isEmpty() ? "(empty)" : dnsLevel)
                            + ": Postfix cannot do DANE, so policyd's dane/dane-only answers cannot be checked",
                    "postconf -e 'smtp_dns_support_level = dnssec' with a validating resolver on loopback "
                            + "(the same one policyd uses)"));
        }
        return findings;
    }

    /** Postfix lists: separated by commas and/or white space. */
    private static List<Path> paths(String value) {
        return Arrays.stream(value.split("[,\\s]+")).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    @Override
    public List<String> ownNames() {
        return myhostname.isBlank() ? List.of() : List.of(myhostname);
    }

    @Override
    public List<Path> certificateFiles() {
        return certificateFiles;
    }

    @Override
    public List<Path> keyFiles() {
        return keyFiles;
    }

    @Override
    public List<Finding> outboundFindings() {
        return outbound;
    }
}
