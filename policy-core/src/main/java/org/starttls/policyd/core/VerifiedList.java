package org.starttls.policyd.core;

import java.util.Objects;
import org.starttls.policyd.core.list.PreloadList;
import org.starttls.policyd.core.signature.SignatureInfo;

/**
 * A list whose signature verified against the pinned keyring and whose content validated: the
 * only kind of list the engine will install.
 *
 * @param list the parsed policies
 * @param signature who signed it and when
 * @param source where it came from, for logs and output ("embedded default", a path, a URL)
 * @param embeddedDefault whether this is the copy packaged with the program
 */
public record VerifiedList(PreloadList list, SignatureInfo signature, String source, boolean embeddedDefault) {
    public VerifiedList {
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(source, "source");
    }
}
