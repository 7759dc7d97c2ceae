package org.starttls.policyd.server.receiving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who may read the server's key and change its certificate. The MTA reads both as root before it
 * drops privileges, so the key needs no group or other bits at all, and nobody but root may
 * write either (links are followed: certbot's {@code live/} files are links into {@code archive/}).
 */
final class FileFindings {
    private FileFindings() {
    }

    static List<Finding> judge(MtaSettings settings) {
        List<Finding> findings = new ArrayList<>();
        if (settings.certificateFiles().isEmpty()) {
            findings.add(Finding.fail("certificate_files", "no server certificate is configured",
                    "policyctl tls-setup postfix --cert-name NAME (from a certbot lineage)"));
        }
        for (Path file : settings.keyFiles()) {
            findings.add(judge("key_file", file, true));
        }
        for (Path file : settings.certificateFiles()) {
            if (!settings.keyFiles().contains(file)) {
                findings.add(judge("certificate_file", file, false));
            }
        }
        return findings;
    }

    private static Finding judge(String check, Path file, boolean secret) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Finding.fail(check, file + " does not exist", "fix the path, or run policyctl tls-setup again");
        } catch (IOException | UnsupportedOperationException e) {
            return Finding.fail(check, file + " cannot be examined: " + e.getMessage(), "check the path and its directories");
        }
        Set<PosixFilePermission> mode = attributes.permissions();
        String shown = file + " (" + attributes.owner().getName() + ", " + PosixFilePermissions.toString(mode) + ")";
        boolean othersWrite = mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE);
        boolean othersRead = mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ);
        if (othersWrite) {
            return Finding.fail(check, shown + " can be changed by others", "chmod go-w " + file);
        }
        if (secret && othersRead) {
            return Finding.fail(check, shown + ": the private key is readable by others, who can then impersonate "
                    + "this server", "chmod 600 " + file + " (the MTA reads it as root)");
        }
        return Finding.pass(check, shown);
    }
}
