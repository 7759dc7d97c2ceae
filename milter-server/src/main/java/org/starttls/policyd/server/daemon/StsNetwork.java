package org.starttls.policyd.server.daemon;

import org.starttls.policyd.server.config.ConfigException;

/** The daemon's MTA-STS network sides: the DNS client's TXT lookups and the HTTPS policy fetch on port 443. */
final class StsNetwork {
    /** Opens the sources the daemon uses. */
    static final StsService.SourcesFactory DAEMON = settings -> {
        throw new ConfigException("mta-sts: the DNS and HTTPS sources are not built into this version; set "
                + "mta-sts.enabled: false");
    };

    private StsNetwork() {
    }
}
