package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.starttls.policyd.core.VerifiedList;
import org.starttls.policyd.core.list.PolicyMode;

/** How a list is described to an operator: where it came from, who signed it, and whether it is current. */
final class ListDescription {
    private ListDescription() {
    }

    static String of(VerifiedList verified, Clock clock) {
        Instant now = clock.instant();
        var list = verified.list();
        String state = list.isExpiredAt(now)
                ? "EXPIRED " + humanDuration(Duration.between(list.expires(), now)) + " ago"
                : "valid for " + humanDuration(Duration.between(now, list.expires()));
        return "list: " + verified.source() + "\n"
                + "  timestamp " + list.timestamp() + ", expires " + list.expires() + " (" + state + ")\n"
                + "  signed by " + verified.signature().signerDescription() + " at "
                + verified.signature().signatureTime() + " (key " + verified.signature().signingKeyFingerprint() + ")\n"
                + "  " + list.size() + (list.size() == 1 ? " domain: " : " domains: ") + list.count(PolicyMode.ENFORCE) + " enforce, "
                + list.count(PolicyMode.TESTING) + " testing";
    }

    static ObjectNode toJson(VerifiedList verified) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("source", verified.source());
        node.put("embedded_default", verified.embeddedDefault());
        node.put("timestamp", verified.list().timestamp().toString());
        node.put("expires", verified.list().expires().toString());
        node.put("signer", verified.signature().primaryKeyFingerprint());
        node.put("signer_user_id", verified.signature().userId());
        node.put("signing_key", verified.signature().signingKeyFingerprint());
        node.put("signed_at", verified.signature().signatureTime().toString());
        return node;
    }

    static String humanDuration(Duration duration) {
        long days = duration.toDays();
        if (days >= 2) {
            return days + " days";
        }
        long hours = duration.toHours();
        if (hours >= 2) {
            return hours + " hours";
        }
        return Math.max(0, duration.toMinutes()) + " minutes";
    }
}
