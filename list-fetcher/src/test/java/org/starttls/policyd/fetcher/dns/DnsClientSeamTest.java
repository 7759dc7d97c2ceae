package org.starttls.policyd.fetcher.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;

/** What a resolver handed in may do that a real server cannot make it do: throw, or never answer. */
class DnsClientSeamTest {
    @Test
    void aResolverThatThrowsGivesAFailureNotAnException() throws Exception {
        DnsClient client = new DnsClient(new Scripted(() -> {
            throw new IllegalStateException("selector closed");
        }), Duration.ofSeconds(1), "a broken resolver");

        DnsLookup<String> lookup = client.txt("_mta-sts.example.test").get(5, TimeUnit.SECONDS);

        DnsLookup.Failed<String> failed = assertInstanceOf(DnsLookup.Failed.class, lookup);
        assertEquals(DnsFailure.NETWORK, failed.reason());
        assertTrue(failed.detail().contains("selector closed"), failed.detail());
    }

    @Test
    void aResolverWhoseFutureNeverCompletesIsCutOffAtTheTimeout() throws Exception {
        DnsClient client = new DnsClient(new Scripted(CompletableFuture::new), Duration.ofMillis(200), "a silent resolver");

        DnsLookup<String> lookup = client.txt("_mta-sts.example.test").get(5, TimeUnit.SECONDS);

        assertEquals(DnsFailure.TIMEOUT, assertInstanceOf(DnsLookup.Failed.class, lookup).reason());
    }

    @Test
    void theSystemResolversNeedNoAddress() {
        DnsClient client = new DnsClient(DnsSettings.system());

        assertEquals(DnsSettings.DEFAULT_TIMEOUT, client.timeout());
        assertEquals("the system's resolvers (/etc/resolv.conf)", DnsSettings.system().describeResolver());
    }

    private static final class Scripted implements Resolver {
        private final Supplier<CompletableFuture<Message>> answer;

        Scripted(Supplier<CompletableFuture<Message>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return answer.get();
        }

        @Override
        public void setPort(int port) {
        }

        @Override
        public void setTCP(boolean flag) {
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        }

        @Override
        public void setTSIGKey(TSIG key) {
        }

        @Override
        public void setTimeout(Duration timeout) {
        }
    }
}
