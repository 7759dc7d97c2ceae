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
        dane(node.path("dane")).forEach(out::println);
        out.println("  mta-sts:     " + mtaSts(node.path("mta_sts")));
        out.println("  decided by:  " + node.path("source").asText());
        printOverride(out, node);
        out.println("  verdict:     " + node.path("verdict").asText() + " (" + node.path("reason").asText() + ")");
        out.println("  socketmap:   " + node.path("socketmap_answer").asText() + "   [map " + node.path("map").asText() + "]");
        out.println("  answered by: " + node.path("answered_by").asText());
        for (JsonNode warning : node.path("sendmail_warnings")) {
            out.println("  WARNING:     " + warning.asText());
        }
    }

    /**
     * The DANE evidence, when DANE was asked ({@code DaneReport}): the verdict and why, how it was
     * known, the MX RRset's security, then per MX host its address and TLSA security and records.
     */
    static List<String> dane(JsonNode dane) {
        if (!dane.isObject()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add("  dane:        " + dane.path("verdict").asText() + " (" + dane.path("reason").asText() + "); "
                + dane.path("how").asText());
        if (!dane.has("mx_security")) {
            return lines;
        }
        lines.add("    MX RRset:  " + dane.path("mx_security").asText()
                + (dane.path("null_mx").asBoolean() ? ", null MX" : "")
                + (dane.path("resolver_validates").asBoolean() ? "" : " (the resolver does not validate)"));
        for (JsonNode host : dane.path("mx_hosts")) {
            List<String> tlsa = texts(host.path("tlsa"));
            lines.add("    MX " + host.path("host").asText() + ": address " + host.path("address_security").asText()
                    + ", TLSA " + host.path("tlsa_security").asText() + (tlsa.isEmpty() ? ", no TLSA records" : ""));
            tlsa.forEach(record -> lines.add("      TLSA " + record));
        }
        return lines;
    }

    /** The local override that decided, what the sources would have said, and a warning when it is weaker. */
    private static void printOverride(PrintWriter out, JsonNode node) {
        JsonNode override = node.path("override");
        if (!override.isObject()) {
            return;
        }
        List<String> match = texts(override.path("match"));
        out.println("  override:    " + override.path("name").asText() + " " + override.path("policy").asText()
                + (match.isEmpty() ? "" : " match=" + String.join(":", match)) + " (line " + override.path("line").asInt()
                + ") because \"" + override.path("reason").asText() + "\""
                + (override.path("expires").isTextual() ? ", until " + override.path("expires").asText() : ", no expiry"));
        JsonNode sources = node.path("sources");
        out.println("  without it:  " + sources.path("socketmap_answer").asText() + " by " + sources.path("source").asText()
                + " (" + sources.path("reason").asText() + ")");
        if (node.path("override_weaker").asBoolean()) {
            out.println("  WARNING:     " + node.path("override_warning").asText());
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
