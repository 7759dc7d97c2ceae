package org.starttls.policyd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import org.starttls.policyd.server.receiving.Finding;

/**
 * How the checking commands (doctor, tls-setup, sts check) print their findings: one line per
 * check with its fix under it, then the count; or one JSON object with every check.
 */
final class FindingsReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FindingsReport() {
    }

    /** One line per finding ({@code STATUS  check  detail}), the fix under each that did not pass. */
    static void printLines(PrintWriter out, List<Finding> findings) {
        for (Finding finding : findings) {
            out.printf("%-4s  %-20s %s%n", finding.status().name(), finding.check(), finding.detail());
            if (!finding.fix().isEmpty() && finding.status() != Finding.Status.PASS) {
                out.printf("      %-20s fix: %s%n", "", finding.fix());
            }
        }
    }

    /** {@link #printLines}, then {@code N failures, M warnings}. */
    static void printText(PrintWriter out, List<Finding> findings) {
        printLines(out, findings);
        long failures = findings.stream().filter(f -> f.status() == Finding.Status.FAIL).count();
        long warnings = findings.stream().filter(f -> f.status() == Finding.Status.WARN).count();
        out.println(failures + " failure" + (failures == 1 ? "" : "s") + ", " + warnings + " warning"
                + (warnings == 1 ? "" : "s"));
    }

    /** A JSON object to add the command's own fields to, before {@link #printJson}. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** {@code head} with {@code result}, {@code exit_code} and {@code checks} added, on one line. */
    static void printJson(PrintWriter out, ObjectNode head, List<Finding> findings, int exit)
            throws JsonProcessingException {
        head.put("result", exit == ExitCodes.OK ? "ok" : exit == ExitCodes.DOCTOR_WARNINGS ? "warnings" : "failures");
        head.put("exit_code", exit);
        ArrayNode checks = head.putArray("checks");
        for (Finding finding : findings) {
            ObjectNode f = checks.addObject();
            f.put("check", finding.check());
            f.put("status", finding.status().wireName());
            f.put("detail", finding.detail());
            f.put("fix", finding.fix());
        }
        out.println(JSON.writeValueAsString(head));
    }
}
