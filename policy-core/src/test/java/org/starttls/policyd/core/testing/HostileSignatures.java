package org.starttls.policyd.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;

/**
 * Signature files a hostile list server can make without any key, built with Bouncy Castle's own
 * generator the way an attacker would: deep nesting of compressed packets, and a compression bomb
 * of signature packets.
 */
public final class HostileSignatures {
    /**
     * The smallest well-formed v4 signature packet: binary document, RSA, SHA-256, no subpackets,
     * a one-bit signature value. It parses; it verifies nothing.
     */
    static final byte[] MINIMAL_SIGNATURE_PACKET = {
        (byte) 0xC2, 13, // new-format packet header: tag 2 (signature), 13 bytes
        4, 0x00, 1, 8, // version 4, type 0x00, RSA, SHA-256
        0, 0, // hashed subpackets: none
        0, 0, // unhashed subpackets: none
        0, 0, // left 16 bits of the hash
        0, 1, 1 // MPI: one bit, value 1
    };

    private HostileSignatures() {
    }

    /** {@code payload} wrapped in {@code depth} compressed packets, one inside the other. */
    public static byte[] nested(byte[] payload, int depth) {
        byte[] current = payload;
        for (int i = 0; i < depth; i++) {
            current = compressed(current);
        }
        return current;
    }

    /**
     * A few kilobytes that inflate to {@code count} signature packets: the packets compressed
     * twice (deflate's ratio is about 1000:1 per layer).
     */
    public static byte[] bomb(int count) {
        ByteArrayOutputStream packets = new ByteArrayOutputStream(count * MINIMAL_SIGNATURE_PACKET.length);
        for (int i = 0; i < count; i++) {
            packets.writeBytes(MINIMAL_SIGNATURE_PACKET);
        }
        return nested(packets.toByteArray(), 2);
    }

    /** A padding packet (RFC 9580, tag 21) of {@code length} zero bytes, which readers skip. */
    public static byte[] paddingPacket(int length) {
        byte[] packet = new byte[6 + length];
        packet[0] = (byte) 0xD5; // new-format header, tag 21
        packet[1] = (byte) 0xFF; // five-octet length follows
        packet[2] = (byte) (length >>> 24);
        packet[3] = (byte) (length >>> 16);
        packet[4] = (byte) (length >>> 8);
        packet[5] = (byte) length;
        return packet;
    }

    /** {@code count} copies of {@code signature} (binary) one after the other, uncompressed. */
    public static byte[] repeated(byte[] signature, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            out.writeBytes(signature);
        }
        return out.toByteArray();
    }

    private static byte[] compressed(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 64 + 64);
        PGPCompressedDataGenerator generator = new PGPCompressedDataGenerator(CompressionAlgorithmTags.ZIP);
        try (OutputStream packet = generator.open(out)) {
            packet.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
