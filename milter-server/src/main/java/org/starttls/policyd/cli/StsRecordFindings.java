package org.starttls.policyd.cli;

import org.starttls.policyd.core.sts.StsRecordResult;
import org.starttls.policyd.fetcher.sts.StsRecordLookup;
import org.starttls.policyd.server.receiving.Finding;

/** The {@code sts_record} check: exactly one valid {@code v=STSv1} TXT record at {@code _mta-sts.DOMAIN}. */
final class StsRecordFindings {
    static final String CHECK = "sts_record";

    private StsRecordFindings() {
    }

    static Finding judge(String domain, StsRecordLookup lookup) {
        String name = "_mta-sts." + domain;
        String example = name + ". IN TXT \"v=STSv1; id=ID\" (policyctl sts publish prints one with a fresh id)";
        if (lookup instanceof StsRecordLookup.Failed failed) {
            return Finding.fail(CHECK, name + " could not be looked up: " + failed.detail(),
                    "check the zone's name servers, or ask another resolver with --resolver");
        }
        StsRecordResult result = ((StsRecordLookup.Answered) lookup).result();
        if (result instanceof StsRecordResult.Found found) {
            return Finding.pass(CHECK, name + ": v=STSv1 with id " + found.record().id());
        }
        StsRecordResult.Refused refused = (StsRecordResult.Refused) result;
        String said = refused.detail().startsWith(name) ? refused.detail() : name + ": " + refused.detail();
        return switch (refused.reason()) {
            case NO_RECORD -> Finding.fail(CHECK, said
                    + "; senders see no MTA-STS for " + domain, "add " + example);
            case SEVERAL_RECORDS -> Finding.fail(CHECK, said
                    + ", so senders use none", "keep one v=STSv1 record: delete the others");
            case BAD_ID -> Finding.fail(CHECK, said,
                    "give it an id of 1 to 32 letters and digits: " + example);
            case BAD_SYNTAX -> Finding.fail(CHECK, said, "write it as " + example);
        };
    }
}
