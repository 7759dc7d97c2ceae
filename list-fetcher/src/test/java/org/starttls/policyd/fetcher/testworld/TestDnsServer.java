package org.starttls.policyd.fetcher.testworld;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNS server on 127.0.0.1 (UDP and TCP on one port) that answers like a recursive resolver
 * from a table of records, built with dnsjava's message classes:
 * <ul>
 *   <li>a name with records of the type asked for: NOERROR with them;</li>
 *   <li>a name that exists (it has records of other types, or names below it have records) but
 *       none of that type: NOERROR without records (NODATA);</li>
 *   <li>any other name: NXDOMAIN;</li>
 *   <li>a CNAME: the CNAME, then what its target answers (the server follows the chain, as a
 *       recursive resolver does, unless {@link #chaseCnames(boolean) told not to}; a broken
 *       target answers SERVFAIL);</li>
 *   <li>an answer larger than the query's UDP size (512 bytes, or its EDNS size): truncated with
 *       the TC flag over UDP, whole over TCP.</li>
 * </ul>
 * Faults are set per name: {@link Fault#SERVFAIL}, {@link Fault#REFUSED}, or {@link Fault#TIMEOUT}
 * (no answer at all). Queries are counted per name.
 */
public final class TestDnsServer implements AutoCloseable {
    /** What a broken name answers. */
    public enum Fault {
        SERVFAIL,
        REFUSED,
        /** The query is read and never answered. */
        TIMEOUT
    }

    private static final long TTL = 300;
    private static final int CLASSIC_UDP_SIZE = 512;
    private static final int MAX_CHAIN = 16;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<Name, Fault> faults = new ConcurrentHashMap<>();
    private final Map<Name, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final Map<Name, AtomicInteger> tcpQueries = new ConcurrentHashMap<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private volatile boolean chaseCnames = true;

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        daemon(this::serveUdp, "test-dns-udp");
        daemon(this::serveTcp, "test-dns-tcp");
    }

    /** A server on a free port of 127.0.0.1 (the same number for UDP and TCP). */
    public static TestDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; ; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new TestDnsServer(udp, tcp);
            } catch (IOException e) {
                udp.close();
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** The address as {@code dns.resolver} takes it: {@code 127.0.0.1:PORT}. */
    public String resolverSetting() {
        return udp.getLocalAddress().getHostAddress() + ":" + udp.getLocalPort();
    }

    /** Adds one TXT record made of these character-strings (each at most 255 bytes). */
    public TestDnsServer txt(String name, String... characterStrings) {
        return add(new TXTRecord(name(name), DClass.IN, TTL, List.of(characterStrings)));
    }

    public TestDnsServer a(String name, String ipv4) {
        return add(new ARecord(name(name), DClass.IN, TTL, literal(ipv4, Address.IPv4)));
    }

    public TestDnsServer aaaa(String name, String ipv6) {
        return add(new AAAARecord(name(name), DClass.IN, TTL, literal(ipv6, Address.IPv6)));
    }

    public TestDnsServer cname(String name, String target) {
        return add(new CNAMERecord(name(name), DClass.IN, TTL, name(target)));
    }

    public TestDnsServer mx(String name, int preference, String host) {
        return add(new MXRecord(name(name), DClass.IN, TTL, preference, name(host)));
    }

    public TestDnsServer tlsa(String name, int usage, int selector, int matchingType, byte[] data) {
        return add(new TLSARecord(name(name), DClass.IN, TTL, usage, selector, matchingType, data));
    }

    /** Adds any record. */
    public TestDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    /** Removes every record at {@code name}. */
    public TestDnsServer remove(String name) {
        records.remove(name(name));
        return this;
    }

    /** Removes the records of {@code type} (a dnsjava {@link Type} value) at {@code name}. */
    public TestDnsServer remove(String name, int type) {
        List<Record> here = records.get(name(name));
        if (here != null) {
            here.removeIf(record -> record.getType() == type);
        }
        return this;
    }

    /** Every query for {@code name}, of any type, meets {@code fault} until {@link #heal}. */
    public TestDnsServer fault(String name, Fault fault) {
        faults.put(name(name), fault);
        return this;
    }

    public TestDnsServer heal(String name) {
        faults.remove(name(name));
        return this;
    }

    /** Whether the server follows CNAME chains (default) or answers with the first CNAME only. */
    public TestDnsServer chaseCnames(boolean chase) {
        this.chaseCnames = chase;
        return this;
    }

    /** Queries received for {@code name} (any type, UDP and TCP). */
    public int queries(String name) {
        AtomicInteger count = queries.get(name(name));
        return count == null ? 0 : count.get();
    }

    /** Queries received for {@code name} over TCP. */
    public int tcpQueries(String name) {
        AtomicInteger count = tcpQueries.get(name(name));
        return count == null ? 0 : count.get();
    }

    /** Queries received in all. */
    public int queries() {
        return queries.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(text + " is not a DNS name", e);
        }
    }

    private static InetAddress literal(String text, int family) {
        try {
            return Address.getByAddress(text, family); // parses the literal; never a lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text + " is not an IP address", e);
        }
    }

    /** The answer's wire form, or null when the query goes unanswered. */
    private byte[] answer(byte[] queryBytes, boolean overTcp) throws IOException {
        Message query = new Message(queryBytes);
        Record question = query.getQuestion();
        if (question == null) {
            return null;
        }
        Name name = question.getName();
        queries.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        if (overTcp) {
            tcpQueries.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        }
        Fault fault = faults.get(name);
        if (fault == Fault.TIMEOUT) {
            return null;
        }
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        if (fault != null) {
            response.getHeader().setRcode(fault == Fault.SERVFAIL ? Rcode.SERVFAIL : Rcode.REFUSED);
        } else {
            resolve(name, question.getType(), response);
        }
        OPTRecord opt = query.getOPT();
        if (overTcp) {
            return response.toWire();
        }
        int udpSize = opt == null ? CLASSIC_UDP_SIZE : Math.max(CLASSIC_UDP_SIZE, opt.getPayloadSize());
        return response.toWire(udpSize); // sets TC when the answer does not fit
    }

    private void resolve(Name name, int type, Message response) {
        Name at = name;
        for (int step = 0; step < MAX_CHAIN; step++) {
            if (step > 0 && faults.containsKey(at)) {
                // a broken CNAME target: the resolver could not get its answer
                response.getHeader().setRcode(Rcode.SERVFAIL);
                return;
            }
            List<Record> here = records.getOrDefault(at, List.of());
            List<Record> matching = new ArrayList<>();
            Record cname = null;
            for (Record record : here) {
                if (record.getType() == type) {
                    matching.add(record);
                } else if (record instanceof CNAMERecord) {
                    cname = record;
                }
            }
            if (!matching.isEmpty()) {
                matching.forEach(record -> response.addRecord(record, Section.ANSWER));
                return;
            }
            if (cname != null) {
                response.addRecord(cname, Section.ANSWER);
                if (!chaseCnames) {
                    return;
                }
                at = ((CNAMERecord) cname).getTarget();
                continue;
            }
            if (!exists(at)) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            return;
        }
    }

    /** A name exists when it or a name below it owns a record (RFC 8020: empty non-terminals exist). */
    private boolean exists(Name name) {
        for (Map.Entry<Name, List<Record>> entry : records.entrySet()) {
            if (!entry.getValue().isEmpty() && entry.getKey().subdomain(name)) {
                return true;
            }
        }
        return false;
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                byte[] reply = answer(Arrays.copyOf(packet.getData(), packet.getLength()), false);
                if (reply != null) {
                    udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (udp.isClosed()) {
                    return;
                }
                // a query that does not parse goes unanswered, as on a real server
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                connections.add(socket);
                daemon(() -> serveTcpConnection(socket), "test-dns-tcp-connection");
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcpConnection(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                byte[] reply = answer(query, true);
                if (reply != null) {
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client is done, or the server closed
        } finally {
            connections.remove(socket);
        }
    }

    private static void daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
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
}
