package org.starttls.policyd.core.sts;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy body turned into numbered lines: decoded as strict UTF-8 (the grammar's
 * {@code sts-policy-vchar} is UTF-8), split at LF with an optional CR before it (CRLF and LF may
 * mix), a last line without terminator kept. A lone CR is not a terminator and stays in its line,
 * where no known value accepts it.
 *
 * <p>A UTF-8 byte order mark at the very start is removed, with a warning: the grammar has no
 * room for it, but a policy saved by an editor that adds one is unambiguous, and refusing it
 * would leave the domain unprotected for a cosmetic fault.
 */
final class PolicyText {
    private static final char BOM = '\uFEFF';

    /** One line of the body with its 1-based number, terminator removed. */
    record Line(int number, String text) {
    }

    final List<Line> lines;
    final boolean hadByteOrderMark;

    private PolicyText(List<Line> lines, boolean hadByteOrderMark) {
        this.lines = lines;
        this.hadByteOrderMark = hadByteOrderMark;
    }

    /** Splits {@code body}; throws {@link CharacterCodingException} when it is not UTF-8. */
    static PolicyText of(byte[] body) throws CharacterCodingException {
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body))
                .toString();
        boolean bom = !text.isEmpty() && text.charAt(0) == BOM;
        if (bom) {
            text = text.substring(1);
        }
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int number = 1;
        while (start < text.length()) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? text.length() : lf;
            int contentEnd = lf >= 0 && end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.add(new Line(number++, text.substring(start, contentEnd)));
            start = end + 1;
        }
        return new PolicyText(lines, bom);
    }
}
