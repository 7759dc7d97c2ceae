package org.starttls.policyd.fetcher;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a list and its detached signature come from: URLs, local files, or the copy embedded in
 * the program (the default). HTTP is accepted as well as HTTPS because the signature is what is
 * trusted; the transport only has to deliver bytes.
 */
public final class ListSource {
    /** Where EFF published its list until 2020; an example for the configuration, not a default. */
    public static final URI EFF_LIST_URI = URI.create("https://dl.eff.org/starttls-everywhere/policy.json");
    public static final String SIGNATURE_SUFFIX = ".asc";

    /** What kind of place the list is in. */
    public enum Kind { EMBEDDED, HTTP, FILES }

    private static final ListSource EMBEDDED = new ListSource(Kind.EMBEDDED, null, null, null, null);

    private final Kind kind;
    private final URI listUri;
    private final URI signatureUri;
    private final Path listFile;
    private final Path signatureFile;

    private ListSource(Kind kind, URI listUri, URI signatureUri, Path listFile, Path signatureFile) {
        this.kind = kind;
        this.listUri = listUri;
        this.signatureUri = signatureUri;
        this.listFile = listFile;
        this.signatureFile = signatureFile;
    }

    public static ListSource embedded() {
        return EMBEDDED;
    }

    /** The list at {@code list}, its signature at the same URL plus {@code .asc}. */
    public static ListSource url(URI list) {
        return url(list, URI.create(list.toString() + SIGNATURE_SUFFIX));
    }

    public static ListSource url(URI list, URI signature) {
        return new ListSource(Kind.HTTP, checkHttp(list, "list"), checkHttp(signature, "signature"), null, null);
    }

    /** The list in {@code list}, its signature beside it with {@code .asc} appended. */
    public static ListSource files(Path list) {
        return files(list, list.resolveSibling(list.getFileName() + SIGNATURE_SUFFIX));
    }

    public static ListSource files(Path list, Path signature) {
        return new ListSource(Kind.FILES, null, null, Objects.requireNonNull(list, "list"),
                Objects.requireNonNull(signature, "signature"));
    }

    private static URI checkHttp(URI uri, String what) {
        Objects.requireNonNull(uri, what);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("the " + what + " URL must be http:// or https:// with a host: " + uri);
        }
        return uri;
    }

    public Kind kind() {
        return kind;
    }

    /** The list URL (HTTP sources only). */
    public URI listUri() {
        return listUri;
    }

    public URI signatureUri() {
        return signatureUri;
    }

    /** The list file (file sources only). */
    public Path listFile() {
        return listFile;
    }

    public Path signatureFile() {
        return signatureFile;
    }

    /** The list's location as shown in logs and as a {@link org.starttls.policyd.core.VerifiedList} source. */
    public String describe() {
        switch (kind) {
            case HTTP:
                return listUri.toString();
            case FILES:
                return listFile.toString();
            case EMBEDDED:
            default:
                return "embedded default";
        }
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ListSource)) {
            return false;
        }
        ListSource that = (ListSource) other;
        return kind == that.kind && Objects.equals(listUri, that.listUri)
                && Objects.equals(signatureUri, that.signatureUri) && Objects.equals(listFile, that.listFile)
                && Objects.equals(signatureFile, that.signatureFile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, listUri, signatureUri, listFile, signatureFile);
    }

    @Override
    public String toString() {
        return kind == Kind.HTTP ? listUri + " (signature " + signatureUri + ")"
                : kind == Kind.FILES ? listFile + " (signature " + signatureFile + ")" : describe();
    }
}
