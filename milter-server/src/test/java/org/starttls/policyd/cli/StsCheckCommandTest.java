package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.starttls.policyd.fetcher.sts.StsFetchSettings;
import org.starttls.policyd.fetcher.testworld.PolicyResponse;
import org.starttls.policyd.fetcher.testworld.StsWorld;
import org.starttls.policyd.fetcher.testworld.TestCa;
import org.starttls.policyd.fetcher.testworld.TestDnsServer;
import org.starttls.policyd.server.receiving.CertificateFindings;

/**
 * {@code policyctl sts check}: each broken publication on a local Internet (DNS server, test CA,
 * HTTPS policy hosts) is its own case, named by its check, with what is wrong and how to fix it.
 */
class StsCheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DOMAINS = new AtomicInteger();
    private static final List<String> EVERY_CHECK = List.of("sts_record", "policy_host", "policy_connect",
            "policy_certificate", "policy_response", "policy_syntax", "policy_mode", "policy_max_age", "mx_coverage",
            "tls_rpt");

    private static StsWorld world;
    private static Path trustStore;
    private static Path noConfig;

    @BeforeAll
    static void startWorld() throws Exception {
        world = StsWorld.start();
        Path dir = Files.createTempDirectory("sts-check-test-");
        trustStore = world.writeTrustPem(dir.resolve("test-ca.pem"));
        noConfig = dir.resolve("no-policyd.yaml");
    }

    @AfterAll
    static void stopWorld() {
        world.close();
    }

    /** A domain of its own per test, published correctly: enforce, one week, its MX covered, TLS-RPT. */
    private static String goodDomain() {
        String domain = "d" + DOMAINS.incrementAndGet() + ".check.test";
        world.publish(domain, "20261202", StsWorld.policy("enforce", 604_800, "mx." + domain));
        world.dns().mx(domain, 10, "mx." + domain);
        world.dns().txt("_smtp._tls." + domain, "v=TLSRPTv1; rua=mailto:tlsrpt@" + domain);
        return domain;
    }

    private record Run(int exit, String out) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }

        JsonNode check(String name) throws Exception {
            for (JsonNode check : json().get("checks")) {
                if (check.get("check").asText().equals(name)) {
                    return check;
                }
            }
            throw new AssertionError("no check " + name + " in " + out);
        }

        String status(String name) throws Exception {
            return check(name).get("status").asText();
        }

        List<String> names() throws Exception {
            List<String> names = new ArrayList<>();
            json().get("checks").forEach(check -> names.add(check.get("check").asText()));
            return names;
        }
    }

    static Run policyctl(String... args) {
        StringWriter out = new StringWriter();
        StsFetchSettings fetch = StsFetchSettings.defaults().withPort(world.httpsPort()).withDeadline(Duration.ofSeconds(20));
        int exit = PolicyCtl.run(PolicyCtl.commandLine(Clock.systemUTC(), noConfig, fetch), new PrintWriter(out),
                new PrintWriter(out), args);
        return new Run(exit, out.toString());
    }

    private static Run check(String domain, String... more) {
        List<String> args = new ArrayList<>(List.of("sts", "check", domain, "--json", "--resolver", world.resolverSetting(),
                "--trust-store", trustStore.toString()));
        args.addAll(List.of(more));
        return policyctl(args.toArray(String[]::new));
    }

    /** The check failed, its detail names the problem and its fix says what to do. */
    private static void assertFails(Run run, String check, String inDetail, String inFix) throws Exception {
        assertEquals(ExitCodes.DOCTOR_FAILURES, run.exit(), run.out());
        JsonNode finding = run.check(check);
        assertEquals("fail", finding.get("status").asText(), run.out());
        assertTrue(finding.get("detail").asText().contains(inDetail), finding.toString());
        assertTrue(finding.get("fix").asText().contains(inFix), finding.toString());
    }

    @Test
    void aGoodPublicationPassesEveryCheck() throws Exception {
        String domain = goodDomain();
        Run run = check(domain, "--mx", "mx." + domain);
        assertEquals(ExitCodes.OK, run.exit(), run.out());
        List<String> expected = new ArrayList<>(EVERY_CHECK);
        expected.add(expected.indexOf("tls_rpt"), "mx_patterns");
        assertEquals(expected, run.names());
        for (String name : expected) {
            assertEquals("pass", run.status(name), run.out());
        }
        assertEquals(domain, run.json().get("domain").asText());
        assertEquals("ok", run.json().get("result").asText());
        assertTrue(run.check("policy_certificate").get("detail").asText().contains("chains to " + trustStore), run.out());
        assertTrue(run.check("policy_certificate").get("detail").asText().contains("; 29 days left (expires "),
                "a fresh 30-day test leaf: " + run.out());
        assertEquals(1, world.policyRequests(domain), "fetched once, as a sender does");
    }

    @Test
    void noTxtRecord() throws Exception {
        String domain = goodDomain();
        world.dns().remove(StsWorld.recordName(domain));
        Run run = check(domain);
        assertFails(run, "sts_record", "_mta-sts." + domain + " does not exist (NXDOMAIN); senders see no MTA-STS",
                "_mta-sts." + domain + ". IN TXT \"v=STSv1; id=");
        assertEquals("pass", run.status("policy_syntax"), "the policy host is still checked");
    }

    @Test
    void onlyOtherTxtRecords() throws Exception {
        String domain = goodDomain();
        world.publishRecord(domain, "v=STSv2; id=1;", "site-verification=abc");
        assertFails(check(domain), "sts_record", "no TXT record begins with v=STSv1 (2 other records)",
                "IN TXT \"v=STSv1; id=");
    }

    @Test
    void twoTxtRecords() throws Exception {
        String domain = goodDomain();
        world.publishRecord(domain, "v=STSv1; id=1;", "v=STSv1; id=2;");
        assertFails(check(domain), "sts_record", "2 TXT records begin with v=STSv1", "delete the others");
    }

    @Test
    void aBadId() throws Exception {
        String domain = goodDomain();
        world.publishRecord(domain, "v=STSv1; id=2026-12-02;");
        assertFails(check(domain), "sts_record", "id \"2026-12-02\" is not 1 to 32 letters and digits",
                "1 to 32 letters and digits");
    }

    @Test
    void noPolicyHost() throws Exception {
        String domain = goodDomain();
        world.dns().remove(StsWorld.policyHost(domain));
        Run run = check(domain);
        assertFails(run, "policy_host", "mta-sts." + domain + " does not exist (NXDOMAIN)", "add an A (and AAAA) record");
        assertEquals("skip", run.status("policy_certificate"));
        assertEquals("skip", run.status("policy_syntax"));
        assertEquals("skip", run.status("mx_coverage"));
    }

    @Test
    void aDnsFailureIsNotNoRecord() throws Exception {
        String domain = goodDomain();
        world.breakDns(StsWorld.recordName(domain), TestDnsServer.Fault.SERVFAIL);
        assertFails(check(domain), "sts_record", "_mta-sts." + domain + " could not be looked up", "--resolver");
    }

    @Test
    void nothingListensOnThePolicyHost() throws Exception {
        String domain = goodDomain();
        world.dns().remove(StsWorld.policyHost(domain));
        world.dns().a(StsWorld.policyHost(domain), "127.0.0.2"); // loopback, but the policy hosts listen on 127.0.0.1
        Run run = check(domain);
        assertFails(run, "policy_connect", "took a connection", "serve HTTPS on port 443 of mta-sts." + domain);
        assertEquals("skip", run.status("policy_certificate"));
    }

    @Test
    void aCertificateForAnotherName() throws Exception {
        String domain = goodDomain();
        world.certificate(domain, world.ca().leaf("www." + domain));
        Run run = check(domain);
        assertFails(run, "policy_certificate", "not valid for mta-sts." + domain,
                "certbot certonly -d mta-sts." + domain);
        assertEquals("pass", run.status("policy_connect"));
        assertEquals(0, world.policyRequests(domain), "nothing is requested over a refused handshake");
    }

    @Test
    void anUntrustedCertificate() throws Exception {
        String domain = goodDomain();
        world.certificate(domain, TestCa.create().leaf(StsWorld.policyHost(domain)));
        assertFails(check(domain), "policy_certificate", "does not chain to " + trustStore, "public CA");
    }

    @Test
    void aSelfSignedCertificate() throws Exception {
        String domain = goodDomain();
        world.certificate(domain, world.ca().selfSigned(StsWorld.policyHost(domain)));
        assertFails(check(domain), "policy_certificate", "does not chain to", "self-signed");
    }

    @Test
    void anExpiredCertificate() throws Exception {
        String domain = goodDomain();
        world.certificate(domain, world.ca().expired(StsWorld.policyHost(domain)));
        Run run = check(domain);
        assertFails(run, "policy_certificate", "expired or not yet valid", "certbot renew");
        assertTrue(run.json().get("policy_certificate_days_left").isNull(), "an unverified certificate reports no "
                + "dates: " + run.out());
    }

    /** A certificate from the world's CA for {@code domain}'s policy host that ends {@code daysLeft} days (and an hour) from now. */
    private static void certificateWithDaysLeft(String domain, int daysLeft) {
        Instant now = Instant.now();
        world.certificate(domain, world.ca().leaf(now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(daysLeft)).plus(Duration.ofHours(1)), StsWorld.policyHost(domain)));
    }

    @Test
    void aCertificateCloseToExpiryIsAWarningWithItsDaysLeft() throws Exception {
        String domain = goodDomain();
        certificateWithDaysLeft(domain, 10);
        Run run = check(domain);
        assertEquals(ExitCodes.DOCTOR_WARNINGS, run.exit(), run.out());
        JsonNode finding = run.check("policy_certificate");
        assertEquals("warn", finding.get("status").asText(), run.out());
        assertTrue(finding.get("detail").asText().contains("only 10 days left (expires "), finding.toString());
        assertTrue(finding.get("fix").asText().contains("certbot renew --dry-run"), finding.toString());
        assertEquals(10, run.json().get("policy_certificate_days_left").asInt(), run.out());
        assertTrue(run.json().get("policy_certificate_expires").asText().endsWith("Z"), run.out());
        assertEquals("pass", run.status("policy_syntax"), "the policy is still fetched and judged");
        assertEquals("warnings", run.json().get("result").asText());
    }

    @Test
    void twentyOneDaysLeftPassesAndTwentyWarns() throws Exception {
        String domain = goodDomain();
        certificateWithDaysLeft(domain, CertificateFindings.EXPIRY_WARNING_DAYS);
        Run enough = check(domain);
        assertEquals(ExitCodes.OK, enough.exit(), enough.out());
        assertTrue(enough.check("policy_certificate").get("detail").asText().contains("; 21 days left (expires "),
                enough.out());
        certificateWithDaysLeft(domain, CertificateFindings.EXPIRY_WARNING_DAYS - 1);
        assertEquals("warn", check(domain).status("policy_certificate"));
    }

    @Test
    void theTextFormShowsTheDaysLeft() {
        String domain = goodDomain();
        certificateWithDaysLeft(domain, 3);
        Run run = policyctl("sts", "check", domain, "--resolver", world.resolverSetting(), "--trust-store",
                trustStore.toString());
        assertEquals(ExitCodes.DOCTOR_WARNINGS, run.exit(), run.out());
        assertTrue(run.out().contains("WARN  policy_certificate"), run.out());
        assertTrue(run.out().contains("only 3 days left"), run.out());
    }

    @Test
    void notFound() throws Exception {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.status(404));
        Run run = check(domain);
        assertFails(run, "policy_response", "404", "with status 200");
        assertEquals("pass", run.status("policy_certificate"));
        assertEquals("skip", run.status("policy_syntax"));
    }

    @Test
    void aRedirect() throws Exception {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.redirect(301, "https://www." + domain + "/mta-sts.txt"));
        assertFails(check(domain), "policy_response", "redirects are never followed", "never follow a redirect");
    }

    @Test
    void theWrongContentType() throws Exception {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.policy(StsWorld.policy("enforce", 604_800, "mx." + domain))
                .withContentType("text/html"));
        assertFails(check(domain), "policy_response", "Content-Type \"text/html\"", "Content-Type: text/plain");
    }

    @Test
    void tooBig() throws Exception {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.policyOfSize(64 * 1024 + 1));
        assertFails(check(domain), "policy_response", "more than the limit of 65536 bytes", "the policy file alone");
    }

    static Stream<Arguments> grammarErrors() {
        return Stream.of(
                Arguments.of("version: STSv2\nmode: enforce\nmx: mx.D\nmax_age: 604800\n", "version", "version: STSv1"),
                Arguments.of("version: STSv1\nmode: enforcing\nmx: mx.D\nmax_age: 604800\n", "mode", "mode: testing"),
                Arguments.of("version: STSv1\nmode: enforce\nmx: mx.D\nmax_age: one week\n", "max_age",
                        "max_age: SECONDS"),
                Arguments.of("version: STSv1\nmode: enforce\nmx: 192.0.2.25\nmax_age: 604800\n", "mx",
                        "names, not addresses"));
    }

    @ParameterizedTest
    @MethodSource
    void grammarErrors(String policy, String inDetail, String inFix) throws Exception {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.policy(policy.replace("mx.D", "mx." + domain)));
        Run run = check(domain);
        assertFails(run, "policy_syntax", inDetail, inFix);
        assertEquals("pass", run.status("policy_response"));
    }

    @Test
    void ignoredPolicyLinesAreAWarning() throws Exception {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.policy(StsWorld.policy("enforce", 604_800, "mx." + domain, "[192.0.2.25]")));
        Run run = check(domain);
        assertEquals(ExitCodes.DOCTOR_WARNINGS, run.exit(), run.out());
        assertEquals("warn", run.status("policy_warnings"));
        assertTrue(run.check("policy_warnings").get("detail").asText().contains("IP address"), run.out());
    }

    @Test
    void anMxHostNoPatternCovers() throws Exception {
        String domain = goodDomain();
        world.dns().mx(domain, 20, "backup.mx." + domain);
        assertFails(check(domain), "mx_coverage", "backup.mx." + domain + " is an MX host of " + domain,
                "--mx backup.mx." + domain);
    }

    @Test
    void aWildcardCoversOneLabelOnly() throws Exception {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.policy(StsWorld.policy("enforce", 604_800, "*." + domain)));
        world.dns().mx(domain, 20, "a.b." + domain);
        Run run = check(domain);
        assertFails(run, "mx_coverage", "a.b." + domain, "--mx a.b." + domain);
        assertFalse(run.check("mx_coverage").get("detail").asText().contains("mx." + domain + ","), run.out());
    }

    @Test
    void withoutMxRecordsTheDomainItselfMustBeCovered() throws Exception {
        String domain = goodDomain();
        world.dns().remove(domain);
        assertFails(check(domain), "mx_coverage", domain + " is an MX host of " + domain, "--mx " + domain);
    }

    @Test
    void thePatternsDifferFromMx() throws Exception {
        String domain = goodDomain();
        Run run = check(domain, "--mx", "mx." + domain, "*.backup." + domain);
        assertFails(run, "mx_patterns", "lacks *.backup." + domain, "is an old copy still served?");
        assertEquals("pass", run.status("mx_coverage"));
    }

    @Test
    void noTlsRptRecordIsAWarning() throws Exception {
        String domain = goodDomain();
        world.dns().remove("_smtp._tls." + domain);
        Run run = check(domain);
        assertEquals(ExitCodes.DOCTOR_WARNINGS, run.exit(), run.out());
        assertEquals("warn", run.status("tls_rpt"));
        assertTrue(run.check("tls_rpt").get("detail").asText().contains("does not exist"), run.out());
        assertTrue(run.check("tls_rpt").get("fix").asText().contains("\"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\""),
                run.out());
        assertEquals("warnings", run.json().get("result").asText());
    }

    @Test
    void aTlsRptRecordReportersCannotUse() throws Exception {
        String domain = goodDomain();
        world.dns().remove("_smtp._tls." + domain);
        world.dns().txt("_smtp._tls." + domain, "v=TLSRPTv1; rua=ftp://reports." + domain);
        assertFails(check(domain), "tls_rpt", "neither mailto: nor https:", "v=TLSRPTv1; rua=mailto:tlsrpt@");
    }

    @Test
    void testingAndAShortMaxAgeAreAdvised() throws Exception {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.policy(StsWorld.policy("testing", 86_400, "mx." + domain)));
        Run run = check(domain);
        assertEquals(ExitCodes.DOCTOR_WARNINGS, run.exit(), run.out());
        assertEquals("warn", run.status("policy_mode"));
        assertTrue(run.check("policy_mode").get("fix").asText().contains("--mode enforce"), run.out());
        assertEquals("warn", run.status("policy_max_age"));
        assertTrue(run.check("policy_max_age").get("fix").asText().contains("--max-age 1209600"), run.out());
    }

    @Test
    void theIssuesFormPublishCheckRunsTheSameCheck() throws Exception {
        String domain = goodDomain();
        world.dns().mx(domain, 20, "other.example");
        Run run = policyctl("sts", "publish", "--check", "--domain", domain, "--json", "--resolver",
                world.resolverSetting(), "--trust-store", trustStore.toString());
        assertEquals(ExitCodes.DOCTOR_FAILURES, run.exit(), run.out());
        assertEquals(EVERY_CHECK, run.names());
        assertEquals("fail", run.status("mx_coverage"));
    }

    @Test
    void publishCheckWritesNothing() {
        Run run = policyctl("sts", "publish", "--check", "--domain", "example.org", "--output", "x.txt");
        assertEquals(ExitCodes.USAGE, run.exit(), run.out());
        assertTrue(run.out().contains("--output writes a policy; --check writes nothing"), run.out());
        assertFalse(Files.exists(Path.of("x.txt")));
        Run withoutCheck = policyctl("sts", "publish", "--domain", "example.org", "--mx", "mx.example.org", "--json");
        assertEquals(ExitCodes.USAGE, withoutCheck.exit(), withoutCheck.out());
        assertEquals(ExitCodes.USAGE, policyctl("sts", "publish", "--domain", "example.org").exit());
    }

    @Test
    void theTextFormSaysWhatToFix() {
        String domain = goodDomain();
        world.serve(domain, PolicyResponse.status(404));
        Run run = policyctl("sts", "check", domain, "--resolver", world.resolverSetting(), "--trust-store",
                trustStore.toString());
        assertEquals(ExitCodes.DOCTOR_FAILURES, run.exit(), run.out());
        assertTrue(run.out().contains("FAIL  policy_response"), run.out());
        assertTrue(run.out().contains("fix: serve the policy file itself at https://mta-sts." + domain
                + "/.well-known/mta-sts.txt with status 200"), run.out());
        assertTrue(run.out().contains("1 failure, 0 warnings"), run.out());
    }

    @Test
    void operatorMistakesAreUsageErrors() {
        assertEquals(ExitCodes.USAGE, policyctl("sts", "check", "not a domain").exit());
        assertEquals(ExitCodes.USAGE, policyctl("sts", "check", "example.org", "--mx", "192.0.2.1").exit());
        Run resolver = policyctl("sts", "check", "example.org", "--resolver", "dns.example.org");
        assertEquals(ExitCodes.USAGE, resolver.exit(), resolver.out());
        assertTrue(resolver.out().contains("--resolver:"), resolver.out());
        Run trust = policyctl("sts", "check", "example.org", "--trust-store", "/nonexistent/ca.pem");
        assertEquals(ExitCodes.USAGE, trust.exit(), trust.out());
        assertFalse(trust.out().contains("\tat "), "no stack trace: " + trust.out());
    }
}
