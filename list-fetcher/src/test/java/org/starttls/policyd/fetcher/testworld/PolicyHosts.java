package org.starttls.policyd.fetcher.testworld;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Every MTA-STS policy host of a test, on one HTTPS port of 127.0.0.1: the certificate is chosen
 * by the name the client sends in SNI (by default a valid one from the {@link TestCa}; any other
 * with {@link #certificate}), and each host answers with its {@link PolicyResponse} (404 for a
 * host without one). Requests are counted per host. One thread per connection; connections
 * close after one response.
 */
public final class PolicyHosts implements AutoCloseable {
    /** The name used when a client sends no SNI. */
    public static final String NO_SNI = "no-sni.invalid";
    private static final int MAX_REQUEST_BYTES = 16 * 1024;

    private final TestCa ca;
    private final SSLServerSocket server;
    private final Map<String, PolicyResponse> responses = new ConcurrentHashMap<>();
    private final Map<String, TestCertificate> certificates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, String> lastRequests = new ConcurrentHashMap<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile String[] protocols;

    private PolicyHosts(TestCa ca, int port) throws IOException {
        this.ca = ca;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SniKeyManager()}, null, null);
            server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up the test TLS server", e);
        }
        Thread acceptor = new Thread(this::accept, "policy-hosts-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Policy hosts on a free port. */
    public static PolicyHosts start(TestCa ca) throws IOException {
        return new PolicyHosts(ca, 0);
    }

    /** Policy hosts on {@code port} (0: a free one). */
    public static PolicyHosts start(TestCa ca, int port) throws IOException {
        return new PolicyHosts(ca, port);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** What {@code host} answers from now on. */
    public PolicyHosts serve(String host, PolicyResponse response) {
        responses.put(key(host), response);
        return this;
    }

    /** The certificate {@code host} presents from now on (instead of a valid one from the CA). */
    public PolicyHosts certificate(String host, TestCertificate certificate) {
        certificates.put(key(host), certificate);
        return this;
    }

    /** Only these TLS versions from now on (e.g. {@code "TLSv1.2"}); none given: the JDK's defaults. */
    public PolicyHosts protocols(String... versions) {
        this.protocols = versions.length == 0 ? null : versions.clone();
        return this;
    }

    /** Complete requests {@code host} received (after a handshake that succeeded). */
    public int requests(String host) {
        AtomicInteger count = requests.get(key(host));
        return count == null ? 0 : count.get();
    }

    /** The last request's head (request line and headers) {@code host} received, or null. */
    public String lastRequest(String host) {
        return lastRequests.get(key(host));
    }

    private static String key(String host) {
        return host.toLowerCase(Locale.ROOT);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                connections.add(socket);
                Thread thread = new Thread(() -> serve(socket), "policy-host-connection");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket socket) {
        try (socket) {
            String[] versions = protocols;
            if (versions != null) {
                socket.setEnabledProtocols(versions);
            }
            socket.startHandshake();
            String host = sniName(socket.getSession());
            String head = readHead(socket.getInputStream());
            lastRequests.put(host, head);
            requests.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            respond(socket.getOutputStream(), responses.getOrDefault(host, PolicyResponse.status(404)));
        } catch (IOException e) {
            // the client refused the handshake, went away, or the test ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(socket);
        }
    }

    private void respond(OutputStream out, PolicyResponse response) throws IOException, InterruptedException {
        if (response.hangs()) {
            closed.await();
            return;
        }
        if (response.release() != null) {
            while (!response.release().await(20, TimeUnit.MILLISECONDS)) {
                if (closed.getCount() == 0) {
                    return;
                }
            }
        }
        byte[] wire = response.wire();
        if (response.dripDelay() == null) {
            out.write(wire);
            out.flush();
            return;
        }
        for (byte b : wire) {
            out.write(b);
            out.flush();
            if (closed.await(response.dripDelay().toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    private static String sniName(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return key(host.getAsciiName());
                }
            }
        }
        return NO_SNI;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        String end = "\r\n\r\n";
        while (matched < end.length()) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed before the end of its request");
            }
            if (head.length() >= MAX_REQUEST_BYTES) {
                throw new IOException("the request head is larger than " + MAX_REQUEST_BYTES + " bytes");
            }
            head.append((char) b);
            matched = b == end.charAt(matched) ? matched + 1 : (b == end.charAt(0) ? 1 : 0);
        }
        return head.toString();
    }

    private TestCertificate certificateFor(String host) {
        return certificates.computeIfAbsent(host, h -> ca.leaf(h));
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** Picks the certificate by the SNI name of the handshake in progress; aliases are host names. */
    private final class SniKeyManager extends X509ExtendedKeyManager {
        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            if (!"EC".equals(keyType) || !(socket instanceof SSLSocket ssl)) {
                return null; // every test certificate has a P-256 key
            }
            String host = sniName(ssl.getHandshakeSession());
            certificateFor(host);
            return host;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return certificateFor(alias).chainArray();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return certificateFor(alias).key();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return certificates.keySet().toArray(String[]::new);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
