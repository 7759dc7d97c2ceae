package org.starttls.policyd.fetcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Gets the list and signature bytes from a {@link ListSource}, both through the size limits: over
 * HTTP (list first, conditionally; the signature only when the list changed) or from local files.
 */
final class SourceReader {
    /** The pair as fetched, not yet verified. */
    record Fetched(byte[] list, byte[] signature, String signatureLocation, String signatureContentType,
            Validators validators) {
        /** An error page served with 200 (a captive portal, a CDN) is the usual way a signature URL goes wrong. */
        boolean signatureLooksLikeHtml() {
            if (signatureContentType != null
                    && signatureContentType.toLowerCase(Locale.ROOT).startsWith("text/html")) {
                return true;
            }
            String start = new String(signature, 0, Math.min(signature.length, 64), StandardCharsets.ISO_8859_1)
                    .stripLeading().toLowerCase(Locale.ROOT);
            return start.startsWith("<!doctype html") || start.startsWith("<html");
        }
    }

    private final HttpListDownloader downloader;

    SourceReader(HttpListDownloader downloader) {
        this.downloader = downloader;
    }

    /** The pair, or null when the server says the list is not modified. */
    Fetched read(ListSource source, Validators validators) throws DownloadException {
        FetchSettings limits = downloader.settings();
        if (source.kind() == ListSource.Kind.FILES) {
            return new Fetched(readFile(source.listFile(), limits.maxListBytes()),
                    readFile(source.signatureFile(), limits.maxSignatureBytes()), source.signatureFile().toString(),
                    null, Validators.NONE);
        }
        Download list = downloader.get(source.listUri(), limits.maxListBytes(), validators);
        if (list instanceof Download.NotModified) {
            return null;
        }
        // Unconditional: a signature is only meaningful with the list just fetched.
        Download signature = downloader.get(source.signatureUri(), limits.maxSignatureBytes(), Validators.NONE);
        Download.Fetched listBody = (Download.Fetched) list;
        Download.Fetched signatureBody = (Download.Fetched) signature;
        return new Fetched(listBody.body(), signatureBody.body(), signatureBody.finalUri().toString(),
                signatureBody.contentType(), listBody.validators());
    }

    static byte[] readFile(Path file, long maxBytes) throws DownloadException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > maxBytes) {
                throw new DownloadException(file + ": over the limit of " + maxBytes + " bytes");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new DownloadException(file + ": no such file", e);
        } catch (IOException e) {
            throw new DownloadException(file + ": cannot read: " + StateDirectory.describe(e), e);
        }
    }
}
