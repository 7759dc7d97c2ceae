package org.starttls.policyd.server.receiving;

import java.nio.file.Path;
import java.util.List;

/** What the doctor needs to know about one MTA's configuration. */
public interface MtaSettings {
    /** The names the MTA calls itself (Postfix's myhostname): what its certificate must cover by default. */
    List<String> ownNames();

    /** Files holding the server's certificate chain (may also hold the key). */
    List<Path> certificateFiles();

    /** Files holding the server's private key. */
    List<Path> keyFiles();

    /** The outbound settings policyd's answers need (policy map, CA file, DANE prerequisites). */
    List<Finding> outboundFindings();
}
