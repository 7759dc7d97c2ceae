package org.starttls.policyd.server.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;

/**
 * An MX where a real MTA looks for one: a {@link PlainSmtpSink} with STARTTLS on port 25 of a
 * loopback alias of its own ({@code 127.25.X.Y}; Linux routes all of 127.0.0.0/8 to the loopback
 * interface), so a Postfix that found the MX in DNS connects to it as it would to a remote one, and
 * looks up its TLSA record at {@code _25._tcp}. Binding port 25 needs root, as the Postfix tests do.
 */
final class TlsMx implements AutoCloseable {
    static final int SMTP_PORT = 25;
    private static final int ATTEMPTS = 20;

    private final InetAddress address;
    private final PlainSmtpSink sink;

    private TlsMx(InetAddress address, PlainSmtpSink sink) {
        this.address = address;
        this.sink = sink;
    }

    /** Listens on port 25 of a random 127.25.X.Y not in use, presenting {@code tls}'s certificate. */
    static TlsMx startOnPort25(SSLContext tls) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            InetAddress alias = randomAlias();
            try {
                return new TlsMx(alias, PlainSmtpSink.startWithStarttlsOn(tls, new InetSocketAddress(alias, SMTP_PORT)));
            } catch (IOException taken) {
                last = taken;
            }
        }
        throw new IOException("could not listen on port " + SMTP_PORT + " of any of " + ATTEMPTS
                + " loopback aliases (the Postfix tests run as root)", last);
    }

    /** The alias; also where the test's DNS resolver answers on port 53, for the MTA's resolv.conf. */
    InetAddress address() {
        return address;
    }

    PlainSmtpSink sink() {
        return sink;
    }

    /** The data of a {@code 3 1 1} (DANE-EE, public key, SHA2-256) TLSA record for {@code certificate}. */
    static String spkiSha256(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress randomAlias() throws UnknownHostException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return InetAddress.getByAddress(new byte[] {127, 25, (byte) random.nextInt(256), (byte) (1 + random.nextInt(254))});
    }

    @Override
    public void close() throws IOException {
        sink.close();
    }
}
