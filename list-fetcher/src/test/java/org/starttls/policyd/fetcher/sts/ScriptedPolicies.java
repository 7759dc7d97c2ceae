package org.starttls.policyd.fetcher.sts;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.starttls.policyd.core.sts.StsPolicyParser;

/**
 * A policy host the test scripts per domain: a policy file (parsed by the real parser) or a
 * fetch failure. {@link #hold()} and {@link #release()} as in {@link ScriptedRecords}. Counts
 * every fetch.
 */
final class ScriptedPolicies implements StsPolicySource {
    private final StsPolicyParser parser = new StsPolicyParser();
    private final ScriptedAnswers<StsPolicyFetch> answers = new ScriptedAnswers<>(
            domain -> new StsPolicyFetch.Failed(StsFailure.CONNECT, "no policy scripted for " + domain));

    /** Serves {@code mode}, {@code maxAgeSeconds} and the MX patterns as a policy file. */
    void serve(String domain, String mode, long maxAgeSeconds, String... mx) {
        serveText(domain, policyText(mode, maxAgeSeconds, mx));
    }

    void serveText(String domain, String text) {
        answers.put(domain, new StsPolicyFetch.Parsed(parser.parse(text.getBytes(StandardCharsets.UTF_8))));
    }

    void fail(String domain, StsFailure kind, String detail) {
        answers.put(domain, new StsPolicyFetch.Failed(kind, detail));
    }

    static String policyText(String mode, long maxAgeSeconds, String... mx) {
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\n");
        for (String pattern : mx) {
            text.append("mx: ").append(pattern).append("\r\n");
        }
        return text.append("max_age: ").append(maxAgeSeconds).append("\r\n").toString();
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
    public CompletableFuture<StsPolicyFetch> fetch(String domain) {
        return answers.answer(domain);
    }
}
