package org.starttls.policyd.core.signature;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPUtil;

/**
 * Reads the signature packets of a detached signature file within fixed bounds. The file comes
 * from the list URL, and anyone can make a hostile one without a key: thousands of nested
 * compressed packets (a deep stack), or a few kilobytes inflating to millions of signature packets
 * (a full heap). So nesting is walked with an explicit stack, not recursion, and limited; packets
 * are counted one by one as they are read; and every decompressed byte is counted while it is
 * inflated, so the expansion is refused long before it could be held in memory. A real detached
 * signature is one uncompressed signature packet of a few hundred bytes, well inside every limit.
 */
final class SignaturePackets {
    /** Compressed packets inside compressed packets; gpg writes detached signatures with none. */
    static final int MAX_COMPRESSION_DEPTH = 2;
    /** Signature, compressed and marker packets together; one signature per signer is normal. */
    static final int MAX_PACKETS = 16;
    /** Bytes all compressed layers together may inflate to. */
    static final long MAX_EXPANDED_BYTES = 256 * 1024;

    private SignaturePackets() {
    }

    /** The signatures in {@code bytes} (armored or binary), in file order; never empty. */
    static List<PGPSignature> read(byte[] bytes) throws SignatureVerificationException {
        ExpansionBudget budget = new ExpansionBudget();
        List<PGPSignature> signatures = new ArrayList<>();
        try (InputStream decoded = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
            readLayers(BCPGInputStream.wrap(decoded), budget, signatures);
        } catch (LimitExceeded e) {
            throw new SignatureVerificationException("refused while reading: " + e.getMessage());
        } catch (IOException | PGPException | RuntimeException e) {
            if (budget.exceeded()) {
                // Bouncy Castle may have wrapped the budget's exception in one of its own.
                throw new SignatureVerificationException("refused while reading: " + budget.describeLimit());
            }
            throw new SignatureVerificationException("not an OpenPGP signature: " + e.getMessage(), e);
        }
        if (signatures.isEmpty()) {
            throw new SignatureVerificationException("not an OpenPGP signature: no signature packet found");
        }
        return signatures;
    }

    private static void readLayers(BCPGInputStream outer, ExpansionBudget budget, List<PGPSignature> signatures)
            throws IOException, PGPException {
        Deque<BCPGInputStream> layers = new ArrayDeque<>();
        layers.push(outer);
        int packets = 0;
        while (!layers.isEmpty()) {
            BCPGInputStream in = layers.peek();
            int tag = in.nextPacketTag();
            if (tag < 0) {
                layers.pop();
                continue;
            }
            if (++packets > MAX_PACKETS) {
                throw new LimitExceeded("the file holds more than " + MAX_PACKETS
                        + " packets; a detached signature holds one per signer");
            }
            switch (tag) {
                case PacketTags.SIGNATURE:
                    signatures.add(new PGPSignature(in));
                    break;
                case PacketTags.COMPRESSED_DATA:
                    int depth = layers.size(); // the depth of the layer this packet opens
                    if (depth > MAX_COMPRESSION_DEPTH) {
                        throw new LimitExceeded("compressed packets are nested more than " + MAX_COMPRESSION_DEPTH
                                + " deep; a detached signature needs at most one");
                    }
                    InputStream inflated = new PGPCompressedData(in).getDataStream();
                    layers.push(BCPGInputStream.wrap(new CountingStream(inflated, budget)));
                    break;
                case PacketTags.MARKER:
                case PacketTags.PADDING:
                    in.readPacket();
                    break;
                default:
                    throw new PGPException("found a packet of type " + tag + " where a detached signature was expected");
            }
        }
    }

    /** Thrown when a bound is reached; the message names the bound. */
    private static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message);
        }
    }

    /** Decompressed bytes read so far, across every compressed layer of one file. */
    private static final class ExpansionBudget {
        private long used;
        private boolean exceeded;

        void spend(long bytes) throws LimitExceeded {
            used += bytes;
            if (used > MAX_EXPANDED_BYTES) {
                exceeded = true;
                throw new LimitExceeded(describeLimit());
            }
        }

        boolean exceeded() {
            return exceeded;
        }

        String describeLimit() {
            return "the compressed packets expand to more than " + MAX_EXPANDED_BYTES
                    + " bytes; a detached signature is a few hundred";
        }
    }

    /** Charges every byte that comes out of a decompressor to the file's budget. */
    private static final class CountingStream extends FilterInputStream {
        private final ExpansionBudget budget;

        CountingStream(InputStream in, ExpansionBudget budget) {
            super(in);
            this.budget = budget;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                budget.spend(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                budget.spend(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            if (skipped > 0) {
                budget.spend(skipped);
            }
            return skipped;
        }
    }
}
