package org.starttls.policyd.server.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Looks at one's own SMTP listener as a sending MTA would (blocking; for the command line): banner,
 * EHLO, STARTTLS, a TLS 1.2+ handshake that accepts any chain so it can be judged afterwards by
 * {@link CertificateCheck}; then, on a second connection, whether TLS 1.0 or 1.1 would still be
 * agreed ({@link LegacyTlsHello}). Every read waits at most {@code timeout}; each connection as a
 * whole gets four times that, after which its socket is closed under it.
 */
public final class ListenerProbe {
    private static final String[] MODERN_TLS = {"TLSv1.3", "TLSv1.2"};

    private final Duration timeout;
    private final String ehloName;
    private final SSLContext tls;

    public ListenerProbe(Duration timeout, String ehloName) {
        this.timeout = timeout;
        this.ehloName = ehloName;
        try {
            tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {AcceptingTrustManager.INSTANCE}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS client", e);
        }
    }

    /** Probes {@code listener}; {@code serverName} goes into SNI (null: none). */
    public ListenerReport probe(InetSocketAddress listener, String serverName) {
        Modern modern = new Modern();
        String problem = withSocket(listener, socket -> modern.run(socket, serverName));
        if (modern.starttlsOffered != Boolean.TRUE) {
            return new ListenerReport(modern.banner, modern.starttlsOffered, null, List.of(), problem, null,
                    "not asked: no STARTTLS");
        }
        LegacyTlsHello.Answer[] legacy = new LegacyTlsHello.Answer[1];
        String legacyProblem = withSocket(listener, socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            SmtpResponseReader replies = new SmtpResponseReader(in);
            replies.read();
            command(out, replies, "EHLO " + ehloName);
            SmtpResponse starttls = command(out, replies, "STARTTLS");
            if (starttls.code() != 220) {
                return "STARTTLS refused on the second connection: " + starttls;
            }
            legacy[0] = LegacyTlsHello.ask(in, out, serverName);
            return null;
        });
        Boolean legacyAccepted = legacy[0] == null ? null : legacy[0].accepted();
        String legacyDetail = legacy[0] == null ? legacyProblem : legacy[0].detail();
        return new ListenerReport(modern.banner, true, modern.version, modern.chain, problem, legacyAccepted, legacyDetail);
    }

    private interface Conversation {
        /** Null when it went through; else what went wrong. */
        String run(Socket socket) throws IOException;
    }

    private String withSocket(InetSocketAddress listener, Conversation conversation) {
        Socket socket = new Socket();
        Timer deadline = new Timer("listener-probe-deadline", true);
        deadline.schedule(new TimerTask() {
            @Override
            public void run() {
                close(socket);
            }
        }, timeout.multipliedBy(4).toMillis());
        try {
            socket.connect(listener, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return conversation.run(socket);
        } catch (SocketTimeoutException e) {
            return "no answer within " + timeout.toSeconds() + "s from " + describe(listener);
        } catch (IOException e) {
            return describe(listener) + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            deadline.cancel();
            close(socket);
        }
    }

    /** The TLS 1.2+ conversation; fields say how far it got. */
    private final class Modern {
        String banner;
        Boolean starttlsOffered;
        String version;
        List<X509Certificate> chain = List.of();

        String run(Socket socket, String serverName) throws IOException {
            SmtpResponseReader replies = new SmtpResponseReader(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            SmtpResponse greeting = replies.read();
            banner = greeting.toString();
            if (greeting.code() != 220) {
                return "the listener does not take mail: banner " + greeting;
            }
            SmtpResponse ehlo = command(out, replies, "EHLO " + ehloName);
            starttlsOffered = ehlo.isPositive() && ehlo.advertises("STARTTLS");
            if (!starttlsOffered) {
                command(out, replies, "QUIT");
                return ehlo.isPositive() ? "EHLO reply does not offer STARTTLS" : "EHLO refused: " + ehlo;
            }
            SmtpResponse starttls = command(out, replies, "STARTTLS");
            if (starttls.code() != 220) {
                return "STARTTLS offered but refused: " + starttls;
            }
            SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    serverName == null ? socket.getInetAddress().getHostAddress() : serverName, socket.getPort(), true);
            SSLParameters parameters = secured.getSSLParameters();
            parameters.setProtocols(Arrays.stream(MODERN_TLS)
                    .filter(Arrays.asList(secured.getSupportedProtocols())::contains).toArray(String[]::new));
            if (serverName != null && serverName.chars().anyMatch(Character::isLetter)) {
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            }
            secured.setSSLParameters(parameters);
            try {
                secured.startHandshake();
            } catch (IOException e) {
                return "TLS handshake failed (TLS 1.2 or newer required): " + e.getMessage();
            }
            version = secured.getSession().getProtocol();
            List<X509Certificate> presented = new ArrayList<>();
            for (Certificate certificate : secured.getSession().getPeerCertificates()) {
                presented.add((X509Certificate) certificate);
            }
            chain = presented;
            try {
                command(secured.getOutputStream(), new SmtpResponseReader(secured.getInputStream()), "QUIT");
            } catch (IOException politeOnly) {
                // the handshake is what was asked about
            }
            return null;
        }
    }

    private static SmtpResponse command(OutputStream out, SmtpResponseReader replies, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return replies.read();
    }

    private static String describe(InetSocketAddress listener) {
        return listener.getHostString() + ":" + listener.getPort();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
