package org.starttls.policyd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.stream.Collectors;
import org.starttls.policyd.core.list.MxPattern;
import org.starttls.policyd.core.list.TlsPolicy;
import org.starttls.policyd.server.check.DomainCheck;
import org.starttls.policyd.server.check.MxCheck;
import org.starttls.policyd.server.probe.MxReport;

/** How {@code policyctl check} shows a {@link DomainCheck}: a few lines for people, an object for scripts. */
final class CheckReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckReport() {
    }

    /** {@code example.org: eligible for enforce}, then the entry, MTA-STS, each MX, the reasons and notes. */
    static void print(PrintWriter out, DomainCheck check) {
        out.println(check.domain() + ": " + verdictText(check));
        if (check.entry() != null) {
            out.println("  list entry: " + entryText(check.entry()));
        }
        out.println("  MTA-STS: " + check.sts().state().wireName() + " (" + check.sts().detail() + ")");
        for (MxCheck mx : check.mxs()) {
            MxReport probe = mx.probe();
            out.println("  MX " + mx.name() + " (preference " + probe.mx().preference() + "): "
                    + probe.result().wireName() + ", " + probe.detail() + "; DANE TLSA "
                    + (mx.dane() == null ? "unknown" : mx.dane() ? "yes" : "no"));
        }
        check.reasons().forEach(reason -> out.println("  reason: " + reason));
        check.notes().forEach(note -> out.println("  note: " + note));
    }

    static String verdictText(DomainCheck check) {
        return switch (check.verdict()) {
            case ENFORCE -> "eligible for enforce";
            case TESTING -> "eligible for testing only";
            case NOT_ELIGIBLE -> "not eligible";
        };
    }

    static String entryText(TlsPolicy entry) {
        return entry.mode().wireName() + ", mxs " + entry.mxs().stream().map(MxPattern::asString)
                .collect(Collectors.joining(" "));
    }

    static ObjectNode toJson(DomainCheck check) {
        ObjectNode node = JSON.createObjectNode();
        node.put("domain", check.domain());
        node.put("verdict", check.verdict().wireName());
        ArrayNode reasons = node.putArray("reasons");
        check.reasons().forEach(reasons::add);
        ArrayNode notes = node.putArray("notes");
        check.notes().forEach(notes::add);
        if (check.entry() == null) {
            node.putNull("entry");
        } else {
            ObjectNode entry = node.putObject("entry");
            entry.put("mode", check.entry().mode().wireName());
            ArrayNode patterns = entry.putArray("mxs");
            check.entry().mxs().stream().map(MxPattern::asString).forEach(patterns::add);
        }
        ObjectNode sts = node.putObject("mta_sts");
        sts.put("state", check.sts().state().wireName());
        sts.put("detail", check.sts().detail());
        if (check.sts().policy() != null) {
            sts.put("mode", check.sts().policy().mode().wireName());
            ArrayNode patterns = sts.putArray("mx");
            check.sts().policy().mx().forEach(pattern -> patterns.add(pattern.toStsForm()));
        }
        ArrayNode mxs = node.putArray("mxs");
        for (MxCheck mx : check.mxs()) {
            mxs.add(mxJson(mx));
        }
        node.put("checked_at", check.checkedAt().toString());
        return node;
    }

    private static ObjectNode mxJson(MxCheck mx) {
        MxReport probe = mx.probe();
        ObjectNode m = JSON.createObjectNode();
        m.put("name", mx.name());
        m.put("preference", probe.mx().preference());
        MxProbeJson.addProbeFields(m, probe);
        if (mx.dane() == null) {
            m.putNull("dane");
        } else {
            m.put("dane", mx.dane());
        }
        return m;
    }
}
