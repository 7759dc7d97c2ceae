package org.starttls.policyd.server.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Probes one MX the way a verifying MTA would talk to it, blocking (it runs on the probe pool,
 * never on an event loop): connect, banner, EHLO, STARTTLS advertised?, STARTTLS, a TLS 1.2+
 * handshake, the certificate judged by {@link CertificateCheck}, QUIT. Every read has
 * {@code commandTimeout}; the whole probe has {@code probeTimeout}, after which the socket is
 * closed under it.
 */
final class MxProbe {
    /** An MX with more addresses than this is tried on the first ones only. */
    static final int MAX_ADDRESSES_TRIED = 4;
    /** How long the goodbye is waited for: the verdict is known by then. */
    static final int QUIT_WAIT_MILLIS = 2_000;
    private static final String[] TLS_VERSIONS = {"TLSv1.3", "TLSv1.2"};

    private final ProbeSettings settings;
    private final MxLookup dns;
    private final CertificateCheck certificates;
    private final Clock clock;
    private final ScheduledExecutorService deadlines;
    private final SSLContext tls;

    MxProbe(ProbeSettings settings, MxLookup dns, CertificateCheck certificates, Clock clock,
            ScheduledExecutorService deadlines) {
        this.settings = settings;
        this.dns = dns;
        this.certificates = certificates;
        this.clock = clock;
        this.deadlines = deadlines;
        try {
            tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {AcceptingTrustManager.INSTANCE}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS client", e);
        }
    }

    MxReport probe(MxHost mx) {
        List<InetAddress> addresses;
        try {
            addresses = dns.addresses(mx.name());
        } catch (MxLookup.DnsException e) {
            return unreachable(mx, e.getMessage());
        }
        if (addresses.isEmpty()) {
            return unreachable(mx, mx.name() + " has no address");
        }
        List<String> refused = new ArrayList<>();
        for (InetAddress address : addresses.subList(0, Math.min(addresses.size(), MAX_ADDRESSES_TRIED))) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, settings.port()), (int) settings.connectTimeout().toMillis());
            } catch (IOException e) {
                close(socket);
                refused.add(address.getHostAddress() + ": " + e.getMessage());
                continue;
            }
            return converse(mx, socket);
        }
        return unreachable(mx, "cannot connect to port " + settings.port() + " (" + String.join("; ", refused) + ")");
    }

    private MxReport converse(MxHost mx, Socket socket) {
        AtomicBoolean overTime = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            overTime.set(true);
            close(socket);
        }, settings.probeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Conversation talk = new Conversation(mx);
        try {
            socket.setSoTimeout((int) settings.commandTimeout().toMillis());
            return talk.run(socket);
        } catch (IOException e) {
            String why = overTime.get() ? "no end within " + settings.probeTimeout().toSeconds() + "s"
                    : e instanceof SocketTimeoutException ? "no reply within " + settings.commandTimeout().toSeconds() + "s"
                    : e.getMessage();
            if (talk.handshaking && !overTime.get() && !(e instanceof SocketTimeoutException)) {
                return talk.report(MxResultType.VALIDATION_FAILURE, "TLS handshake failed (TLS 1.2 or newer required): " + why);
            }
            return talk.report(MxResultType.UNREACHABLE, talk.phase + ": " + why);
        } finally {
            deadline.cancel(false);
            close(talk.tlsSocket != null ? talk.tlsSocket : socket);
        }
    }

    /** The state of one SMTP conversation, for the report when it ends early. */
    private final class Conversation {
        private final MxHost mx;
        String phase = "banner";
        boolean handshaking;
        Boolean starttlsOffered;
        SSLSocket tlsSocket;

        Conversation(MxHost mx) {
            this.mx = mx;
        }

        MxReport run(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            SmtpResponseReader replies = new SmtpResponseReader(in);
            SmtpResponse banner = replies.read();
            if (banner.code() != 220) {
                quit(socket, out, replies);
                return report(MxResultType.UNREACHABLE, "the MX does not take mail from us: banner " + banner);
            }
            phase = "EHLO";
            SmtpResponse ehlo = command(out, replies, "EHLO " + settings.ehloName());
            starttlsOffered = ehlo.isPositive() && ehlo.advertises("STARTTLS");
            if (!starttlsOffered) {
                quit(socket, out, replies);
                return report(MxResultType.STARTTLS_NOT_SUPPORTED,
                        ehlo.isPositive() ? "EHLO reply does not offer STARTTLS" : "EHLO refused: " + ehlo);
            }
            phase = "STARTTLS";
            SmtpResponse starttls = command(out, replies, "STARTTLS");
            if (starttls.code() != 220) {
                quit(socket, out, replies);
                return report(MxResultType.STARTTLS_NOT_SUPPORTED, "STARTTLS offered but refused: " + starttls);
            }
            phase = "TLS handshake";
            handshaking = true;
            tlsSocket = (SSLSocket) tls.getSocketFactory().createSocket(socket, mx.name(), settings.port(), true);
            SSLParameters parameters = tlsSocket.getSSLParameters();
            parameters.setProtocols(Arrays.stream(TLS_VERSIONS)
                    .filter(Arrays.asList(tlsSocket.getSupportedProtocols())::contains).toArray(String[]::new));
            parameters.setServerNames(List.of(new SNIHostName(mx.name())));
            tlsSocket.setSSLParameters(parameters);
            tlsSocket.startHandshake();
            handshaking = false;
            String version = tlsSocket.getSession().getProtocol();
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : tlsSocket.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) certificate);
            }
            CertificateCheck.Verdict verdict = certificates.check(chain, mx.name(), clock.instant());
            phase = "QUIT";
            quit(tlsSocket, tlsSocket.getOutputStream(), new SmtpResponseReader(tlsSocket.getInputStream()));
            return new MxReport(mx, true, verdict.result(), verdict.detail() + " (" + version + ")", true, version,
                    chain.isEmpty() ? null : CertificateInfo.of(chain.get(0)));
        }

        MxReport report(MxResultType result, String detail) {
            return new MxReport(mx, true, result, detail, starttlsOffered, null, null);
        }
    }

    private static SmtpResponse command(OutputStream out, SmtpResponseReader replies, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return replies.read();
    }

    /**
     * Says goodbye as RFC 5321 asks. The verdict is already known, so a server that does not
     * answer (within the read limit) or hangs up changes nothing.
     */
    private static void quit(Socket socket, OutputStream out, SmtpResponseReader replies) {
        try {
            int current = socket.getSoTimeout();
            socket.setSoTimeout(current > 0 ? Math.min(current, QUIT_WAIT_MILLIS) : QUIT_WAIT_MILLIS);
            command(out, replies, "QUIT");
        } catch (IOException politeOnly) {
            // the verdict stands whatever the goodbye looks like
        }
    }

    private static MxReport unreachable(MxHost mx, String why) {
        return new MxReport(mx, true, MxResultType.UNREACHABLE, why, null, null, null);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
