/**
 * End-to-end tests against a real Postfix (Debian's {@code postfix} package), tagged
 * {@code postfix}, and a real Sendmail 8.17 (Debian's {@code sendmail-bin}, unpacked beside
 * Postfix, never installed), tagged {@code sendmail}.
 *
 * <p>Each test class starts its own {@link org.starttls.policyd.server.e2e.PostfixInstance} (a
 * private instance under a temporary directory, driven with {@code postfix -c DIR}; the system
 * Postfix is never touched), a {@link org.starttls.policyd.server.e2e.PlainSmtpSink} that offers no
 * STARTTLS, and the daemon under test from
 * {@link org.starttls.policyd.server.e2e.PolicydUnderTest#start()}: the real daemon
 * ({@link org.starttls.policyd.server.e2e.RealPolicyd}) in this JVM on a list signed in the test.
 * {@link org.starttls.policyd.server.e2e.PostfixMilterE2ETest} runs the real milter door in this
 * JVM, on a list signed in the test too ({@link org.starttls.policyd.server.e2e.SignedE2EList}). All
 * test domains resolve to the sink through the chroot's {@code etc/hosts}, with DNS off, and reach
 * it through an {@code smtp} transport that sets only the port, so the TLS policy lookup key stays
 * the recipient domain.
 *
 * <p>{@link org.starttls.policyd.server.e2e.SendmailInstance} is the same for Sendmail: a private
 * {@code sendmail.cf} built with m4 from the unpacked {@code cf/} macros, the daemon on a free port
 * of 127.0.0.1 inside its own mount, UTS and PID namespace
 * ({@link org.starttls.policyd.server.e2e.PrivateHost}: its own host name and {@code /etc/hosts},
 * no DNS). {@link org.starttls.policyd.server.e2e.SendmailStsE2ETest} points {@code FEATURE(`sts')}
 * at the real daemon's socketmap door; {@link org.starttls.policyd.server.e2e.SendmailMilterE2ETest}
 * points {@code INPUT_MAIL_FILTER} at the milter door.
 *
 * <p>Without Postfix or the unpacked Sendmail (or without root) the tests are skipped; with
 * {@code -Dpolicyd.e2e.required=true} (as {@code .ci/run} does) they fail instead. Postfix's log of
 * each instance is kept in {@code target/postfix-e2e-logs/}, Sendmail's SMTP trace (it has no log
 * without syslog) in {@code target/sendmail-e2e-logs/}.
 */
package org.starttls.policyd.server.e2e;
