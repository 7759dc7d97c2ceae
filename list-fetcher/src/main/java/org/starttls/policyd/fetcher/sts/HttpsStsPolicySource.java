package org.starttls.policyd.fetcher.sts;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.starttls.policyd.core.sts.Excerpt;
import org.starttls.policyd.fetcher.dns.DnsClient;
import org.starttls.policyd.fetcher.dns.DnsLookup;

/**
 * Fetches {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} (RFC 8461 section 3.3): the
 * host's addresses from the daemon's {@link DnsClient} (never the JDK's resolver), each tried in
 * turn; TLS 1.2 or 1.3 with SNI, the chain verified against {@link PolicyHostTrust} and the host
 * name against the certificate (endpoint identification "HTTPS"); one HTTP/1.1 GET read by
 * {@link PolicyResponseReader}. An outcome after a completed handshake carries the verified leaf's
 * notAfter ({@link StsPolicyFetch#certificateNotAfter()}).
 *
 * <p>Blocking sockets on a small pool of daemon threads ({@link StsFetchSettings#maxConcurrentFetches});
 * a fetch beyond that fails at once with {@link StsFailure#BUSY}. Each fetch has one deadline from
 * the call: the future completes by then, and a watchdog closes the socket so a hung host cannot
 * keep a thread. The future never completes exceptionally.
 */
public final class HttpsStsPolicySource implements StsPolicySource, AutoCloseable {
    public static final String POLICY_PATH = "/.well-known/mta-sts.txt";
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final DnsClient dns;
    private final SSLSocketFactory tls;
    private final StsFetchSettings settings;
    private final Semaphore inFlight;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor watchdogs;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    public HttpsStsPolicySource(DnsClient dns, PolicyHostTrust trust, StsFetchSettings settings) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.tls = trust.newContext().getSocketFactory();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.inFlight = new Semaphore(settings.maxConcurrentFetches());
        // As many threads as permits, so a fetch that holds a permit never waits for a thread.
        this.workers = new ThreadPoolExecutor(settings.maxConcurrentFetches(), settings.maxConcurrentFetches(),
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("policyd-sts-fetch"));
        this.workers.allowCoreThreadTimeOut(true);
        this.watchdogs = new ScheduledThreadPoolExecutor(1, daemon("policyd-sts-fetch-deadline"));
        this.watchdogs.setRemoveOnCancelPolicy(true);
    }

    @Override
    public CompletableFuture<StsPolicyFetch> fetch(String domain) {
        String host = "mta-sts." + domain;
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.completedFuture(new StsPolicyFetch.Failed(StsFailure.BUSY, settings.maxConcurrentFetches()
                    + " policy fetches are in progress already; " + host + " was not tried"));
        }
        long deadline = System.nanoTime() + settings.deadline().toNanos();
        CompletableFuture<StsPolicyFetch> work;
        try {
            work = dns.addresses(host).thenCompose(addresses -> connect(host, addresses, deadline))
                    .exceptionally(error -> unexpected(host, error));
        } catch (RuntimeException e) {
            work = CompletableFuture.completedFuture(unexpected(host, e));
        }
        // The permit is held until the work itself ends, not merely until the caller's deadline.
        work.whenComplete((outcome, error) -> inFlight.release());
        return work.thenApply(Function.identity()).completeOnTimeout(timedOut(host),
                settings.deadline().toNanos(), TimeUnit.NANOSECONDS);
    }

    private CompletableFuture<StsPolicyFetch> connect(String host, DnsLookup<InetAddress> addresses, long deadline) {
        if (addresses instanceof DnsLookup.Found<InetAddress> found) {
            return CompletableFuture.supplyAsync(() -> new Attempt(host, deadline).run(found.values()), workers);
        }
        String detail;
        if (addresses instanceof DnsLookup.Failed<InetAddress> failed) {
            detail = "the address of " + host + " could not be looked up: " + failed.detail();
        } else if (addresses instanceof DnsLookup.NxDomain) {
            detail = host + " does not exist (NXDOMAIN)";
        } else {
            detail = host + " has no A or AAAA record";
        }
        return CompletableFuture.completedFuture(new StsPolicyFetch.Failed(StsFailure.DNS, detail));
    }

    private StsPolicyFetch timedOut(String host) {
        long millis = settings.deadline().toMillis();
        return new StsPolicyFetch.Failed(StsFailure.TIMEOUT, "the policy of " + host + " was not fetched within "
                + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms"));
    }

    private static StsPolicyFetch unexpected(String host, Throwable error) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        if (cause instanceof RejectedExecutionException) {
            return new StsPolicyFetch.Failed(StsFailure.BUSY, "the policy fetcher is shut down; " + host + " was not tried");
        }
        return new StsPolicyFetch.Failed(StsFailure.CONNECT, "the fetch from " + host + " failed: " + reason(cause));
    }

    /** One fetch on a worker thread: the addresses in turn, then TLS and HTTP on the first that connects. */
    private final class Attempt {
        private final String host;
        private final long deadline;

        Attempt(String host, long deadline) {
            this.host = host;
            this.deadline = deadline;
        }

        StsPolicyFetch run(List<InetAddress> addresses) {
            List<String> refusals = new ArrayList<>();
            boolean allTimedOut = true;
            for (InetAddress address : addresses) {
                if (left() <= 0) {
                    return timedOut(host);
                }
                Socket socket = new Socket();
                open.add(socket);
                ScheduledFuture<?> watchdog = watchdogs.schedule(() -> closeQuietly(socket), left(), TimeUnit.NANOSECONDS);
                try {
                    try {
                        socket.connect(new InetSocketAddress(address, settings.port()), connectMillis());
                    } catch (SocketTimeoutException e) {
                        refusals.add(shown(address) + " timed out");
                        continue;
                    } catch (IOException e) {
                        if (left() <= 0) {
                            return timedOut(host);
                        }
                        allTimedOut = false;
                        refusals.add(shown(address) + " " + reason(e));
                        continue;
                    }
                    return exchange(socket, address);
                } finally {
                    watchdog.cancel(false);
                    closeQuietly(socket);
                    open.remove(socket);
                }
            }
            if (left() <= 0) {
                return timedOut(host);
            }
            return new StsPolicyFetch.Failed(allTimedOut && !refusals.isEmpty() ? StsFailure.TIMEOUT : StsFailure.CONNECT,
                    "no address of " + host + " took a connection on port " + settings.port() + ": "
                    + String.join("; ", refusals));
        }

        private StsPolicyFetch exchange(Socket socket, InetAddress address) {
            String where = host + " (" + shown(address) + ")";
            try (SSLSocket ssl = (SSLSocket) tls.createSocket(socket, host, settings.port(), true)) {
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setProtocols(PROTOCOLS);
                parameters.setServerNames(List.of(new SNIHostName(host)));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
                ssl.setSoTimeout(remainingMillis());
                try {
                    ssl.startHandshake();
                } catch (SSLException e) {
                    if (left() <= 0) {
                        return timedOut(host);
                    }
                    return new StsPolicyFetch.Failed(StsFailure.TLS, "TLS with " + where + " failed: " + reason(e));
                }
                // The handshake verified this chain and name; its leaf's end of validity is what a check warns about.
                Instant notAfter = ((X509Certificate) ssl.getSession().getPeerCertificates()[0]).getNotAfter().toInstant();
                OutputStream out = ssl.getOutputStream();
                out.write(request().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return new PolicyResponseReader(settings.maxHeadBytes(), settings.maxBodyBytes())
                        .read(new BufferedInputStream(ssl.getInputStream(), 8192), host)
                        .withCertificateNotAfter(notAfter);
            } catch (IOException e) {
                if (left() <= 0 || e instanceof SocketTimeoutException) {
                    return timedOut(host);
                }
                return new StsPolicyFetch.Failed(StsFailure.CONNECT, "the connection to " + where + " failed: " + reason(e));
            }
        }

        private String request() {
            String authority = settings.port() == StsFetchSettings.HTTPS_PORT ? host : host + ":" + settings.port();
            return "GET " + POLICY_PATH + " HTTP/1.1\r\n"
                    + "Host: " + authority + "\r\n"
                    + "Accept: text/plain\r\n"
                    + "User-Agent: starttls-policyd\r\n"
                    + "Connection: close\r\n\r\n";
        }

        private long left() {
            return deadline - System.nanoTime();
        }

        private int remainingMillis() {
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left())));
        }

        private int connectMillis() {
            return (int) Math.max(1, Math.min(settings.connectTimeout().toMillis(), remainingMillis()));
        }
    }

    /** The exception's message and, when it says more, its root cause's: a certificate failure keeps its reason. */
    private static String reason(Throwable error) {
        String message = message(error);
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootMessage = message(root);
        if (root != error && !message.contains(rootMessage)) {
            message = message + " (" + rootMessage + ")";
        }
        return Excerpt.sentence(message);
    }

    private static String message(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    private static String shown(InetAddress address) {
        return address.getHostAddress();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static ThreadFactory daemon(String prefix) {
        return body -> {
            Thread thread = new Thread(body, prefix + "-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops the threads; fetches in progress fail as their sockets close. */
    @Override
    public void close() {
        workers.shutdownNow();
        watchdogs.shutdownNow();
        open.forEach(HttpsStsPolicySource::closeQuietly);
    }
}
