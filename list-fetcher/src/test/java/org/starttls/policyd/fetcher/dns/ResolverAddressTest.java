package org.starttls.policyd.fetcher.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResolverAddressTest {
    @ParameterizedTest
    @CsvSource({"192.0.2.53, 192.0.2.53:53", "127.0.0.1:5353, 127.0.0.1:5353", "::1, [0:0:0:0:0:0:0:1]:53",
        "'[2001:db8::53]:5300', '[2001:db8:0:0:0:0:0:53]:5300'"})
    void readsWhatItFormats(String text, String formatted) {
        InetSocketAddress address = ResolverAddress.parse(text);

        assertEquals(formatted, ResolverAddress.format(address));
        assertEquals(address, ResolverAddress.parse(ResolverAddress.format(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns.example.org", "127.0.0.1:0", "127.0.0.1:65536", "[::1", ""})
    void refusesWhatIsNotAnIpAddressAndPort(String text) {
        assertThrows(IllegalArgumentException.class, () -> ResolverAddress.parse(text));
    }
}
