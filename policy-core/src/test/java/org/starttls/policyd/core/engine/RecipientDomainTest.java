package org.starttls.policyd.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Recipients as Postfix's policy delegation ({@code recipient=}) and the milter (RCPT) pass them. */
class RecipientDomainTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
        user@example.com                   | example.com
        <user@example.com>                 | example.com
        user@Example.COM                   | Example.COM
        User@Example.COM.                  | Example.COM.
        ' <user@example.com> '             | example.com
        <@relay.example,@b.example:u@example.com> | example.com
        <"odd@local"@example.com>          | example.com
        "a@b"@example.com                  | example.com
        "a\\"@b"@example.com               | example.com
        jö@bücher.example                  | bücher.example
        "user@example.com"                 | NONE
        <"user@example.com">               | NONE
        "unterminated@example.com          | NONE
        <user@[192.0.2.1]>                 | NONE
        user@[192.0.2.1]                   | NONE
        postmaster                         | NONE
        <postmaster>                       | NONE
        <>                                 | NONE
        ''                                 | NONE
        user@                              | NONE
        <user@>                            | NONE
        <@relay.example>                   | NONE
        """)
    void takesTheDomainAfterTheLocalPart(String recipient, String expected) {
        assertEquals(Optional.ofNullable(expected), RecipientDomain.of(recipient));
    }

    @Test
    void aMissingRecipientHasNoDomain() {
        assertEquals(Optional.empty(), RecipientDomain.of(null));
    }
}
