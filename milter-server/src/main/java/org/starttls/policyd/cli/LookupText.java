package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code policyctl lookup}'s text form of a lookup's explanation (the JSON of {@code LookupReport}). */
final class LookupText {
    private LookupText() {
    }

    static void print(PrintWriter out, JsonNode node) {
        String alias = node.path("policy_alias").isTextual() ? " (policy-alias " + node.path("policy_alias").asText() + ")" : "";
        out.println(node.path("domain").asText() + ": " + (node.path("listed").asBoolean()
                ? "listed, mode " + node.path("mode").asText() + alias : "not listed"));
        if (node.path("listed").asBoolean()) {
            out.println("  mx patterns: " + String.join(" ", texts(node.path("mxs"))));
        }
        out.println("  mta-sts:     " + mtaSts(node.path("mta_sts")));
        out.println("  decided by:  " + node.path("source").asText());
        out.println("  verdict:     " + node.path("verdict").asText() + " (" + node.path("reason").asText() + ")");
        out.println("  socketmap:   " + node.path("socketmap_answer").asText() + "   [map " + node.path("map").asText() + "]");
        out.println("  answered by: " + node.path("answered_by").asText());
        for (JsonNode warning : node.path("sendmail_warnings")) {
            out.println("  WARNING:     " + warning.asText());
        }
    }

    private static String mtaSts(JsonNode sts) {
        String state = sts.path("state").asText("off");
        switch (state) {
            case "cached":
            case "stale":
                return state + " policy, record id " + sts.path("record_id").asText() + ", mode "
                        + sts.path("policy_mode").asText() + ", max_age " + sts.path("max_age_seconds").asLong() + " s, mx "
                        + String.join(" ", texts(sts.path("policy_mx"))) + "; fetched " + sts.path("fetched_at").asText()
                        + " (" + sts.path("age_seconds").asLong() + " s ago), expires " + sts.path("expires_at").asText()
                        + (state.equals("stale") ? "; re-checking failed: " + sts.path("stale_because").asText() : "");
            case "no-record":
            case "failed":
                String because = sts.path("unusable_because").asText();
                // The reason may already begin with its kind ("no-record: ..."): say the kind once.
                String detail = because.startsWith(state + ": ") ? because.substring(state.length() + 2) : because;
                String again = state.equals("no-record") ? "; asked again after " : "; next try after ";
                return state + ": " + detail
                        + (sts.path("next_try_at").isTextual() ? again + sts.path("next_try_at").asText() : "");
            default:
                return state;
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }
}
