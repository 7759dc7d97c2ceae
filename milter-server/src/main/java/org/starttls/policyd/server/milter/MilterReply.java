package org.starttls.policyd.server.milter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.starttls.policyd.server.answer.HeaderField;
import org.starttls.policyd.server.answer.PrintableText;

/**
 * One answer to the MTA (libmilter {@code SMFIR_*}): a reply byte and its data, built and checked
 * by the factories so the encoder only frames it.
 */
public final class MilterReply {
    /** SMFIR_CONTINUE. */
    public static final MilterReply CONTINUE = new MilterReply((byte) 'c', new byte[0]);
    /** SMFIR_ACCEPT. */
    public static final MilterReply ACCEPT = new MilterReply((byte) 'a', new byte[0]);
    /** SMFIR_TEMPFAIL. */
    public static final MilterReply TEMPFAIL = new MilterReply((byte) 't', new byte[0]);
    /** SMFIR_REJECT. */
    public static final MilterReply REJECT = new MilterReply((byte) 'r', new byte[0]);

    /** Text beyond this is cut: an SMTP reply line is at most 512 octets (RFC 5321 4.5.3.1.5). */
    public static final int MAX_REPLY_TEXT_CHARS = 400;

    private static final Pattern SMTP_CODE = Pattern.compile("[45][0-9][0-9]");
    private static final Pattern ENHANCED_CODE = Pattern.compile("[45]\\.[0-9]{1,3}\\.[0-9]{1,3}");

    private final byte code;
    private final byte[] data;

    private MilterReply(byte code, byte[] data) {
        this.code = code;
        this.data = data;
    }

    /**
     * SMFIR_REPLYCODE: {@code "451 4.7.5 text\0"}. Only 4xx/5xx codes are allowed (the MTA ignores
     * others). The text is made safe by {@link PrintableText} (CR, LF and other controls become
     * spaces, non-ASCII becomes '?'), '%' is doubled (the MTA treats the text as a format) and it is cut to
     * {@link #MAX_REPLY_TEXT_CHARS}.
     */
    public static MilterReply replyCode(String smtpCode, String enhancedCode, String text) {
        if (!SMTP_CODE.matcher(smtpCode).matches()) {
            throw new IllegalArgumentException("reply code must be 4xx or 5xx, got " + smtpCode);
        }
        if (!ENHANCED_CODE.matcher(enhancedCode).matches() || enhancedCode.charAt(0) != smtpCode.charAt(0)) {
            throw new IllegalArgumentException("enhanced code " + enhancedCode + " does not fit " + smtpCode);
        }
        String line = smtpCode + " " + enhancedCode + " " + PrintableText.of(text, MAX_REPLY_TEXT_CHARS).replace("%", "%%");
        return new MilterReply((byte) 'y', cString(line));
    }

    /** SMFIR_ADDHEADER: append a header at the end of the header block. */
    public static MilterReply addHeader(String name, String value) {
        checkHeader(name, value);
        return new MilterReply((byte) 'h', concat(cString(name), cString(value)));
    }

    /**
     * SMFIC_OPTNEG as the filter's answer: version, actions, protocol and, for v6, the macros it
     * wants per stage ({@code SMFIM_*} number to a space-separated list of names).
     */
    static MilterReply optionNegotiation(int version, int actions, int protocol, Map<Integer, String> macroRequests) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(12).putInt(version).putInt(actions).putInt(protocol).array());
        for (Map.Entry<Integer, String> request : macroRequests.entrySet()) {
            String names = Objects.requireNonNull(request.getValue(), "macro names");
            if (names.isEmpty() || names.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("bad macro request: \"" + names + "\"");
            }
            out.writeBytes(ByteBuffer.allocate(4).putInt(request.getKey()).array());
            out.writeBytes(cString(names));
        }
        return new MilterReply(MilterCommand.OPTNEG.code(), out.toByteArray());
    }

    public byte code() {
        return code;
    }

    /** A copy of the data after the reply byte. */
    public byte[] data() {
        return data.clone();
    }

    int dataLength() {
        return data.length;
    }

    byte[] dataUnsafe() {
        return data;
    }

    private static void checkHeader(String name, String value) {
        if (!HeaderField.isName(name)) {
            throw new IllegalArgumentException("not a header field name: \"" + name + "\"");
        }
        if (name.length() + 2 + value.length() > HeaderField.MAX_LINE_CHARS) {
            throw new IllegalArgumentException("header " + name + " is longer than " + HeaderField.MAX_LINE_CHARS + " characters");
        }
        if (!PrintableText.isPrintable(value)) {
            throw new IllegalArgumentException("header value must be printable ASCII on one line");
        }
    }

    private static byte[] cString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MilterReply && ((MilterReply) other).code == code
                && Arrays.equals(((MilterReply) other).data, data);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String text = new String(data, StandardCharsets.US_ASCII).replace('\0', '|');
        return "reply " + MilterCommand.printable(code) + (data.length == 0 ? "" : " " + text);
    }
}
