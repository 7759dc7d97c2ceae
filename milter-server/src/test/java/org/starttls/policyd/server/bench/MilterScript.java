package org.starttls.policyd.server.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the load's MTA sends on a milter connection, encoded once, independently of policyd's
 * codec: the option negotiation Postfix 3.7 offers (version 6, every action, every step bit), then
 * per message the frames Postfix sends with the macros it sends before them: MAIL, one or two RCPTs
 * (each domain listed with the run's listed share), end of message. Which of them are sent and
 * which wait for an answer follows what the filter negotiated (see {@link MilterLoopHandler}).
 */
final class MilterScript {
    static final int SIZE = 4096;
    /** Largest frame the load accepts from a filter (libmilter's own default buffer limit). */
    static final int MAX_FRAME_BYTES = 1 << 20;

    static final int VERSION = 6;
    static final int OFFER_ACTIONS = 0x1ff;
    static final int OFFER_PROTOCOL = 0x1fffff;
    /** SMFIP_NOMAIL, SMFIP_NORCPT: the filter asks not to be sent MAIL / RCPT. */
    static final int NO_MAIL = 0x4;
    static final int NO_RCPT = 0x8;
    /** SMFIP_NR_MAIL, SMFIP_NR_RCPT: the filter will not answer MAIL / RCPT. */
    static final int NR_MAIL = 0x4000;
    static final int NR_RCPT = 0x8000;

    /** One command with the macros sent just before it; {@code skipBit}/{@code noReplyBit} are its SMFIP_ bits. */
    record Step(char command, ByteBuf bytes, int skipBit, int noReplyBit) {
        boolean sent(int protocol) {
            return (protocol & skipBit) == 0;
        }

        boolean answered(int protocol) {
            return (protocol & noReplyBit) == 0;
        }
    }

    /** One message's steps, in order; the last is end of message. */
    record Message(List<Step> steps) {
    }

    private MilterScript() {
    }

    static ByteBuf offer() {
        return shared(frame('O', ints(VERSION, OFFER_ACTIONS, OFFER_PROTOCOL)));
    }

    static Message[] build(List<String> listed, List<String> unlisted, int listedPercent, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Message[] messages = new Message[SIZE];
        for (int i = 0; i < SIZE; i++) {
            String queueId = String.format("4Xk%07X", i);
            Step mail = new Step('M', shared(concat(
                    macros('M', "i", queueId, "{mail_addr}", "alice@sender.example", "{mail_host}", "",
                            "{mail_mailer}", "smtp"),
                    frame('M', cstrings("<alice@sender.example>", "SIZE=2048", "BODY=8BITMIME")))), NO_MAIL, NR_MAIL);
            int recipients = 1 + random.nextInt(2);
            Step[] steps = new Step[recipients + 2];
            steps[0] = mail;
            for (int r = 1; r <= recipients; r++) {
                String domain = random.nextInt(100) < listedPercent ? listed.get(random.nextInt(listed.size()))
                        : unlisted.get(random.nextInt(unlisted.size()));
                String address = "user" + r + "@" + domain;
                steps[r] = new Step('R', shared(concat(
                        macros('R', "{rcpt_addr}", address, "{rcpt_host}", domain, "{rcpt_mailer}", "smtp"),
                        frame('R', cstrings("<" + address + ">")))), NO_RCPT, NR_RCPT);
            }
            steps[recipients + 1] = new Step('E', shared(concat(macros('E', "i", queueId), frame('E'))), 0, 0);
            messages[i] = new Message(List.of(steps));
        }
        return messages;
    }

    /** SMFIC_MACRO: the stage's command byte, then name and value C strings. */
    private static byte[] macros(char stage, String... namesAndValues) {
        return frame('D', new byte[] {(byte) stage}, cstrings(namesAndValues));
    }

    static byte[] frame(char command, byte[]... parts) {
        byte[] data = concat(parts);
        return concat(ints(data.length + 1), new byte[] {(byte) command}, data);
    }

    static byte[] ints(int... values) {
        byte[] bytes = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            for (int b = 0; b < 4; b++) {
                bytes[4 * i + b] = (byte) (values[i] >>> (24 - 8 * b));
            }
        }
        return bytes;
    }

    static byte[] cstrings(String... strings) {
        byte[][] parts = new byte[strings.length * 2][];
        for (int i = 0; i < strings.length; i++) {
            parts[2 * i] = strings[i].getBytes(US_ASCII);
            parts[2 * i + 1] = new byte[] {0};
        }
        return concat(parts);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** Encoded once and sent as {@code duplicate()}s. */
    static ByteBuf shared(byte[] bytes) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
    }
}
