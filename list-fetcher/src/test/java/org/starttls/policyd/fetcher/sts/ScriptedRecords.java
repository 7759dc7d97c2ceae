package org.starttls.policyd.fetcher.sts;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.core.sts.StsRecord;

/**
 * A TXT source the test scripts per domain: a record with an id, no record, a DNS failure. While
 * {@link #hold()} is on, lookups wait until {@link #release()}, so a test can see a resolution in
 * progress. Counts every lookup.
 */
final class ScriptedRecords implements StsRecordSource {
    private final ScriptedAnswers<StsRecordLookup> answers = new ScriptedAnswers<>(
            domain -> new StsRecordLookup.Failed("no answer scripted for " + domain));

    void id(String domain, String id) {
        answers.put(domain, new StsRecordLookup.Answered(StsRecord.select(List.of("v=STSv1; id=" + id))));
    }

    void noRecord(String domain) {
        answers.put(domain, new StsRecordLookup.Answered(StsRecord.select(List.of("v=spf1 -all"))));
    }

    void fail(String domain, String detail) {
        answers.put(domain, new StsRecordLookup.Failed(detail));
    }

    /** While on, requests wait until {@link #release()}. */
    void hold() {
        answers.hold();
    }

    /** Answers the held requests (with the answers scripted now) and stops holding. */
    void release() {
        answers.release();
    }

    int calls(String domain) {
        return answers.calls(domain);
    }

    int totalCalls() {
        return answers.totalCalls();
    }

    @Override
    public CompletableFuture<StsRecordLookup> lookup(String domain) {
        return answers.answer(domain);
    }
}
