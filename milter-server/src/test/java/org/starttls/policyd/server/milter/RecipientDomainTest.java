package org.starttls.policyd.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipientDomainTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
        <user@example.com>                 | example.com
        user@Example.COM                   | Example.COM
        ' <user@example.com> '             | example.com
        <@relay.example,@b.example:u@example.com> | example.com
        <"odd@local"@example.com>          | example.com
        <user@[192.0.2.1]>                 | [192.0.2.1]
        <postmaster>                       | NONE
        <>                                 | NONE
        <user@>                            | NONE
        <@relay.example>                   | NONE
        """)
    void takesTheDomainAfterTheLastAt(String address, String expected) {
        assertEquals(Optional.ofNullable(expected), RecipientDomain.of(address));
    }
}
