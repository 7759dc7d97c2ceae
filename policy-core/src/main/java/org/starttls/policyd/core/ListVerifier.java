package org.starttls.policyd.core;

import java.util.Objects;
import org.starttls.policyd.core.ListRejectedException.Reason;
import org.starttls.policyd.core.list.ListFormatException;
import org.starttls.policyd.core.list.PreloadList;
import org.starttls.policyd.core.list.PreloadListParser;
import org.starttls.policyd.core.signature.PinnedKeyring;
import org.starttls.policyd.core.signature.SignatureInfo;
import org.starttls.policyd.core.signature.SignatureVerificationException;
import org.starttls.policyd.core.signature.SignatureVerifier;

/**
 * The one way to turn bytes into a {@link VerifiedList}: the signature is checked first, over the
 * exact bytes, and only then is the content parsed, so unsigned input never reaches the parser.
 * Expiry is not checked here: an expired list is still worth reading (policyctl shows it); the
 * fetcher and the engine decide what expiry means.
 */
public final class ListVerifier {
    private final PinnedKeyring keyring;
    private final SignatureVerifier signatureVerifier;

    public ListVerifier(PinnedKeyring keyring) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.signatureVerifier = new SignatureVerifier(keyring);
    }

    /** The pinned keys a list must be signed by. */
    public PinnedKeyring keyring() {
        return keyring;
    }

    public VerifiedList verify(byte[] listBytes, byte[] signatureBytes, String source) throws ListRejectedException {
        Objects.requireNonNull(source, "source");
        if (listBytes == null || listBytes.length == 0) {
            throw new ListRejectedException(Reason.UNREADABLE, source + ": the list is empty");
        }
        if (signatureBytes == null || signatureBytes.length == 0) {
            throw new ListRejectedException(Reason.SIGNATURE, source + ": the signature is missing or empty");
        }
        SignatureInfo signature;
        try {
            signature = signatureVerifier.verify(listBytes, signatureBytes);
        } catch (SignatureVerificationException e) {
            throw new ListRejectedException(Reason.SIGNATURE, source + ": signature check failed: " + e.getMessage(), e);
        }
        PreloadList list;
        try {
            list = PreloadListParser.parse(listBytes);
        } catch (ListFormatException e) {
            throw new ListRejectedException(Reason.FORMAT, source + ": invalid list: " + e.getMessage(), e);
        }
        return new VerifiedList(list, signature, source, false);
    }
}
