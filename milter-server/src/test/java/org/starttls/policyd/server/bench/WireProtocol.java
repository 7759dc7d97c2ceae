package org.starttls.policyd.server.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The framings the load generator speaks, as Postfix does: socketmap (one netstring each way),
 * policy delegation ({@code name=value} lines ended by an empty line) and milter (length-prefixed
 * frames; its dialogue is {@link MilterScript}'s).
 */
enum WireProtocol {
    SOCKETMAP("socketmap", "req") {
        @Override
        ByteBuf request(String mapName, String key) {
            return netstring(mapName + " " + key);
        }

        @Override
        int frameEnd(ByteBuf in) {
            int start = in.readerIndex();
            int limit = in.writerIndex();
            int length = 0;
            for (int i = start; i < limit; i++) {
                byte b = in.getByte(i);
                if (b == ':') {
                    int end = i + 1 + length + 1;
                    return end <= limit ? end : -1;
                }
                if (b < '0' || b > '9' || i - start > 6) {
                    throw new IllegalStateException("not a netstring from the server");
                }
                length = length * 10 + (b - '0');
            }
            return -1;
        }
    },
    POLICY("policy", "req") {
        @Override
        ByteBuf request(String unusedMapName, String domain) {
            // The attributes Postfix 3.7 sends at RCPT, in its order.
            String text = "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
                    + "client_address=192.0.2.10\nclient_name=mail.sender.example\n"
                    + "reverse_client_name=mail.sender.example\nhelo_name=mail.sender.example\n"
                    + "sender=alice@sender.example\nrecipient=bob@" + domain + "\nrecipient_count=0\n"
                    + "queue_id=\ninstance=1a2b.5f3c4d5e.6f7a8.0\nsize=0\netrn_domain=\nstress=\n"
                    + "sasl_method=\nsasl_username=\nsasl_sender=\nccert_subject=\nccert_issuer=\n"
                    + "ccert_fingerprint=\nccert_pubkey_fingerprint=\nencryption_protocol=TLSv1.3\n"
                    + "encryption_cipher=TLS_AES_256_GCM_SHA384\nencryption_keysize=256\npolicy_context=\n"
                    + "server_address=192.0.2.25\nserver_port=25\ncompatibility_level=3.6\nmail_version=3.7.11\n\n";
            return Unpooled.unreleasableBuffer(Unpooled.directBuffer(text.length()).writeBytes(text.getBytes(US_ASCII)));
        }

        @Override
        int frameEnd(ByteBuf in) {
            int limit = in.writerIndex();
            for (int i = in.readerIndex() + 1; i < limit; i++) {
                if (in.getByte(i) == '\n' && in.getByte(i - 1) == '\n') {
                    return i + 1;
                }
            }
            return -1;
        }
    },
    MILTER("milter", "msg") {
        @Override
        ByteBuf request(String unusedMapName, String unusedKey) {
            throw new UnsupportedOperationException("a milter load is a dialogue of several frames; see MilterScript");
        }

        @Override
        int frameEnd(ByteBuf in) {
            if (in.readableBytes() < 4) {
                return -1;
            }
            long length = in.getUnsignedInt(in.readerIndex());
            if (length < 1 || length > MilterScript.MAX_FRAME_BYTES) {
                throw new IllegalStateException("milter frame of " + length + " bytes from the peer");
            }
            long end = in.readerIndex() + 4 + length;
            return end <= in.writerIndex() ? (int) end : -1;
        }
    };

    private final String label;
    private final String unit;

    WireProtocol(String label, String unit) {
        this.label = label;
        this.unit = unit;
    }

    String label() {
        return label;
    }

    /** What one measured unit is: a request, or (milter) a whole message. */
    String unit() {
        return unit;
    }

    /** A request for {@code key}, encoded once and shared (send {@code retainedDuplicate()}s of it). */
    abstract ByteBuf request(String mapName, String key);

    /** The index just past the first complete frame readable in {@code in}, or -1 when incomplete. */
    abstract int frameEnd(ByteBuf in);

    static ByteBuf netstring(String text) {
        byte[] payload = text.getBytes(US_ASCII);
        byte[] header = (payload.length + ":").getBytes(US_ASCII);
        ByteBuf buf = Unpooled.directBuffer(header.length + payload.length + 1);
        buf.writeBytes(header).writeBytes(payload).writeByte(',');
        return Unpooled.unreleasableBuffer(buf);
    }
}
