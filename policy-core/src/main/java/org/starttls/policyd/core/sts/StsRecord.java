package org.starttls.policyd.core.sts;

import java.util.List;
import java.util.Objects;

/**
 * A domain's one valid MTA-STS TXT record ({@code _mta-sts.DOMAIN}, RFC 8461 section 3.1), reduced
 * to what a sender uses: the policy {@code id}. A changed id tells the sender the policy file
 * changed and must be fetched again; extensions carry nothing a sender acts on.
 *
 * @param id 1 to 32 letters and digits, compared exactly (the RFC gives no case folding)
 */
public record StsRecord(String id) {
    /** RFC 8461 section 3.1: {@code sts-id = %s"id=" 1*32(ALPHA / DIGIT)}. */
    public static final int MAX_ID_LENGTH = 32;

    public StsRecord {
        Objects.requireNonNull(id, "id");
        if (!isValidId(id)) {
            throw new IllegalArgumentException("MTA-STS id " + Excerpt.of(id) + " is not 1 to "
                    + MAX_ID_LENGTH + " letters and digits");
        }
    }

    /**
     * Chooses the domain's record among the TXT records of {@code _mta-sts.DOMAIN} (each
     * record's character-strings already joined); see {@link StsRecordParser}.
     */
    public static StsRecordResult select(List<String> txtRecords) {
        return StsRecordParser.select(txtRecords);
    }

    static boolean isValidId(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (!Ascii.isAlphaOrDigit(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
