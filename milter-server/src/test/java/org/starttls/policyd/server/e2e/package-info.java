/**
 * End-to-end tests against a real Postfix (Debian's {@code postfix} package), tagged
 * {@code postfix}.
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
 * <p>Without Postfix (or without root) the tests are skipped; with
 * {@code -Dpolicyd.e2e.required=true} (as {@code .ci/run} does) they fail instead. Postfix's log of
 * each instance is kept in {@code target/postfix-e2e-logs/}.
 */
package org.starttls.policyd.server.e2e;
