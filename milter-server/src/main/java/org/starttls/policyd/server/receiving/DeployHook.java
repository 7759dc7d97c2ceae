package org.starttls.policyd.server.receiving;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The certbot deploy hook tls-setup installs: after a renewal of its own lineage, check the new
 * certificate with {@code policyctl doctor --cert-file} and reload the MTA only when that finds no
 * failure (a bad certificate keeps the old one served, and certbot reports the failed hook).
 */
public final class DeployHook {
    private DeployHook() {
    }

    /** The script; {@code doctor} is the policyctl command line up to and including {@code doctor ...options}. */
    public static String script(CertbotLineage lineage, List<String> doctor, List<String> reload) {
        String live = lineage.letsencryptDirectory().resolve("live").resolve(lineage.name()).toString();
        return "#!/bin/sh\n"
                + "# Installed by policyctl tls-setup: after certbot renews " + lineage.name()
                + ", check the new certificate\n"
                + "# with policyctl doctor, then reload the MTA so that it serves it. Other lineages are left alone.\n"
                + "set -u\n"
                + "[ \"${RENEWED_LINEAGE:-}\" = " + quote(live) + " ] || exit 0\n"
                + shell(doctor) + " --cert-file \"$RENEWED_LINEAGE/fullchain.pem\"\n"
                + "status=$?\n"
                + "if [ \"$status\" -ne 0 ] && [ \"$status\" -ne 6 ]; then\n"
                + "  echo \"policyctl doctor refused the renewed certificate of " + lineage.name()
                + " (exit $status): not reloading\" >&2\n"
                + "  exit 1\n"
                + "fi\n"
                + "exec " + shell(reload) + "\n";
    }

    private static String shell(List<String> words) {
        return words.stream().map(DeployHook::quote).collect(Collectors.joining(" "));
    }

    static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:=@,+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
