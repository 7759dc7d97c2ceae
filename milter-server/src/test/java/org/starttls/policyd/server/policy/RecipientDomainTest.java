package org.starttls.policyd.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipientDomainTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "user@example.com           | example.com",
        "<user@example.com>         | example.com",
        "User@Example.COM.          | Example.COM.",
        "\"a@b\"@example.com          | example.com",
        "\"a\\\"@b\"@example.com       | example.com",
        "\"user@example.com\"         | NONE",
        "postmaster                 | NONE",
        "<>                         | NONE",
        "''                         | NONE",
        "user@                      | NONE",
        "user@[192.0.2.1]           | NONE",
        "jö@bücher.example          | bücher.example",
    })
    void findsTheDomainPart(String recipient, String domain) {
        assertEquals(domain, RecipientDomain.of(recipient));
    }
}
