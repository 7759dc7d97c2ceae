package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.starttls.policyd.core.testing.EffFixture;

/**
 * The real EFF list read as plain JSON, independently of the product's parser: what the exporters'
 * output is checked against (each domain's mode and MX patterns, with policy-aliases resolved here).
 */
final class EffListJson {
    /** One domain as the raw file says, alias resolved. */
    record Domain(String name, String mode, List<String> mxs, String alias) {
    }

    private EffListJson() {
    }

    static Map<String, Domain> domains() {
        try {
            JsonNode root = new ObjectMapper().readTree(EffFixture.listBytes());
            JsonNode aliases = root.get("policy-aliases");
            Map<String, Domain> domains = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("policies").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode policy = entry.getValue();
                String alias = policy.has("policy-alias") ? policy.get("policy-alias").asText() : null;
                JsonNode effective = alias == null ? policy : aliases.get(alias);
                List<String> mxs = new ArrayList<>();
                // DNS names are case-insensitive; the list has a few capitals, the product writes lower case.
                effective.get("mxs").forEach(mx -> mxs.add(mx.asText().toLowerCase(Locale.ROOT)));
                domains.put(entry.getKey(), new Domain(entry.getKey(), effective.get("mode").asText(), mxs, alias));
            }
            return domains;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
