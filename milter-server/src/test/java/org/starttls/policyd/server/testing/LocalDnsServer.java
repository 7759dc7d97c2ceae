package org.starttls.policyd.server.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server on 127.0.0.1 (UDP and TCP on one port) for the probe's tests,
 * answering from a table with dnsjava's message classes. Names in the table answer NOERROR
 * (with no records for a type they lack); other names answer NXDOMAIN; names marked failing
 * answer SERVFAIL.
 */
public final class LocalDnsServer implements AutoCloseable {
    private static final long TTL = 60;

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<Name, Boolean> failing = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();

    private LocalDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        daemon(this::serveUdp, "dns-udp");
        daemon(this::serveTcp, "dns-tcp");
    }

    public static LocalDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; ; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new LocalDnsServer(udp, tcp);
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

    /** {@code domain MX preference host} */
    public LocalDnsServer mx(String domain, int preference, String host) {
        add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
        return this;
    }

    /** {@code host A address} */
    public LocalDnsServer a(String host, InetAddress address) {
        add(new ARecord(name(host), DClass.IN, TTL, address));
        return this;
    }

    /** The name exists but has no records (an MX lookup then falls back to the name itself). */
    public LocalDnsServer exists(String domain) {
        records.putIfAbsent(name(domain), new CopyOnWriteArrayList<>());
        return this;
    }

    /** Every query for {@code domain} answers SERVFAIL. */
    public LocalDnsServer failing(String domain) {
        failing.put(name(domain), true);
        return this;
    }

    public int queries() {
        return queries.get();
    }

    private void add(Record record) {
        records.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    byte[] answer(byte[] queryBytes) throws IOException {
        queries.incrementAndGet();
        Message query = new Message(queryBytes);
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
            response.getHeader().setFlag(Flags.RA);
        }
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        if (failing.containsKey(name)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (!records.containsKey(name)) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            for (Record record : records.get(name)) {
                if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                    response.addRecord(record, Section.ANSWER);
                }
            }
        }
        return response.toWire();
    }

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] reply = answer(query);
                udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (udp.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                daemon(() -> serveTcpConnection(socket), "dns-tcp-connection");
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
                byte[] reply = answer(query);
                out.writeShort(reply.length);
                out.write(reply);
                out.flush();
            }
        } catch (IOException e) {
            // the client is done
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
    }
}
