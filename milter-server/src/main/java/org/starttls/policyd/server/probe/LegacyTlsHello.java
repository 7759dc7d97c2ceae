package org.starttls.policyd.server.probe;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Asks a TLS server whether it still accepts TLS 1.0 or 1.1, without the JDK's TLS stack: the JDK
 * disables those versions in {@code jdk.tls.disabledAlgorithms}, and per-connection
 * {@code SSLParameters.setAlgorithmConstraints} can only narrow that list, never widen it, while
 * changing the security property would change every TLS connection of the JVM. So this writes one
 * ClientHello by hand whose highest version is TLS 1.1 (with the CBC suites those versions use)
 * and reads the server's first flight: a ServerHello carrying TLS 1.0 or 1.1 followed by
 * ServerHelloDone means the server would go on with that version; an alert or a closed
 * connection means it refused. The handshake
 * goes no further, so nothing is ever sent over the old protocol.
 */
final class LegacyTlsHello {
    /** A ServerHello with its certificate chain fits easily; a record is at most 2^14 + 2048 bytes. */
    static final int MAX_RECORD_BYTES = 16_384 + 2_048;
    private static final int CONTENT_HANDSHAKE = 22;
    private static final int CONTENT_ALERT = 21;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    private static final int HANDSHAKE_SERVER_HELLO = 2;
    private static final int HANDSHAKE_SERVER_HELLO_DONE = 14;
    /** The server's whole first flight (hello, certificates, key exchange) is read at most this far. */
    static final int MAX_FLIGHT_BYTES = 128 * 1024;
    private static final int TLS_1_0 = 0x0301;
    private static final int TLS_1_1 = 0x0302;
    /**
     * ECDHE and RSA key exchange with AES-CBC and 3DES: what TLS 1.0/1.1 servers offer; the last is
     * TLS_EMPTY_RENEGOTIATION_INFO_SCSV, which servers insisting on secure renegotiation look for.
     */
    private static final int[] CIPHER_SUITES = {0xC013, 0xC014, 0xC009, 0xC00A, 0x002F, 0x0035, 0x000A, 0x00FF};
    /** x25519, secp256r1, secp384r1. */
    private static final int[] GROUPS = {0x001D, 0x0017, 0x0018};
    private static final SecureRandom RANDOM = new SecureRandom();

    private LegacyTlsHello() {
    }

    /** What the server answered to a ClientHello offering at most TLS 1.1. */
    record Answer(boolean accepted, String detail) {
    }

    /** Sends the hello on {@code out} (after STARTTLS was accepted) and reads the answer from {@code in}. */
    static Answer ask(InputStream in, OutputStream out, String serverName) throws IOException {
        out.write(clientHello(serverName));
        out.flush();
        return answer(in);
    }

    /**
     * Reads records until the server's first flight ends (ServerHelloDone): only then could a TLS
     * 1.0/1.1 client go on. OpenSSL may send a ServerHello for TLS 1.1 and then find it cannot sign
     * its key exchange at the configured security level, ending with an alert: that is a refusal.
     */
    static Answer answer(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        int version = -1;
        int total = 0;
        while (true) {
            int type;
            int length;
            try {
                type = data.readUnsignedByte();
                data.readUnsignedShort(); // record-layer version: servers put anything there
                length = data.readUnsignedShort();
            } catch (EOFException e) {
                return refused(version, "the server closed the connection");
            }
            total += length;
            if (length == 0 || length > MAX_RECORD_BYTES || total > MAX_FLIGHT_BYTES) {
                return refused(version, "the server answered with a record of " + length + " bytes");
            }
            byte[] body = new byte[length];
            try {
                data.readFully(body);
            } catch (EOFException e) {
                return refused(version, "the server closed the connection in the middle of a record");
            }
            if (type == CONTENT_ALERT) {
                return refused(version, "the server sent alert " + (body.length > 1 ? body[1] & 0xff : -1));
            }
            if (type != CONTENT_HANDSHAKE) {
                return refused(version, "the server sent a record of type " + type);
            }
            handshake.writeBytes(body);
            byte[] messages = handshake.toByteArray();
            int at = 0;
            while (at + 4 <= messages.length) {
                int messageType = messages[at] & 0xff;
                int messageLength = (messages[at + 1] & 0xff) << 16 | (messages[at + 2] & 0xff) << 8 | messages[at + 3] & 0xff;
                if (at + 4 + messageLength > messages.length) {
                    break; // continues in the next record
                }
                if (messageType == HANDSHAKE_SERVER_HELLO && messageLength >= 2) {
                    version = (messages[at + 4] & 0xff) << 8 | messages[at + 5] & 0xff;
                    if (version != TLS_1_0 && version != TLS_1_1) {
                        return new Answer(false, String.format("the server answered with version 0x%04x, not TLS 1.0/1.1",
                                version));
                    }
                } else if (messageType == HANDSHAKE_SERVER_HELLO_DONE && version > 0) {
                    return new Answer(true, "the server accepted " + name(version));
                }
                at += 4 + messageLength;
            }
        }
    }

    private static Answer refused(int version, String how) {
        return new Answer(false, "the server refused TLS 1.0/1.1: " + how
                + (version > 0 ? " after choosing " + name(version) : ""));
    }

    private static String name(int version) {
        return version == TLS_1_0 ? "TLS 1.0" : "TLS 1.1";
    }

    static byte[] clientHello(String serverName) {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        short16(hello, TLS_1_1);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        hello.writeBytes(random);
        hello.write(0); // no session id
        short16(hello, CIPHER_SUITES.length * 2);
        for (int suite : CIPHER_SUITES) {
            short16(hello, suite);
        }
        hello.write(1); // one compression method:
        hello.write(0); // null
        byte[] extensions = extensions(serverName);
        short16(hello, extensions.length);
        hello.writeBytes(extensions);
        byte[] body = hello.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(CONTENT_HANDSHAKE);
        short16(record, TLS_1_0);
        short16(record, body.length + 4);
        record.write(HANDSHAKE_CLIENT_HELLO);
        record.write(body.length >>> 16);
        short16(record, body.length & 0xffff);
        record.writeBytes(body);
        return record.toByteArray();
    }

    private static byte[] extensions(String serverName) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        if (serverName != null && !serverName.isEmpty() && serverName.chars().anyMatch(Character::isLetter)) {
            byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
            short16(all, 0x0000); // server_name
            short16(all, name.length + 5);
            short16(all, name.length + 3);
            all.write(0); // host_name
            short16(all, name.length);
            all.writeBytes(name);
        }
        short16(all, 0x000A); // supported_groups
        short16(all, GROUPS.length * 2 + 2);
        short16(all, GROUPS.length * 2);
        for (int group : GROUPS) {
            short16(all, group);
        }
        short16(all, 0x000B); // ec_point_formats: uncompressed
        short16(all, 2);
        all.write(1);
        all.write(0);
        return all.toByteArray();
    }

    private static void short16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8 & 0xff);
        out.write(value & 0xff);
    }
}
