package org.starttls.policyd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code policyctl reload} prints what the daemon's admin reply says, against a loopback admin endpoint. */
class ReloadCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exit, String out, String err) {
    }

    private static Run reload(String reply, String... flags) throws Exception {
        try (FakeAdmin admin = new FakeAdmin(Map.of("reload", reply))) {
            String[] args = new String[flags.length + 3];
            args[0] = "reload";
            args[1] = "--admin";
            args[2] = admin.address();
            System.arraycopy(flags, 0, args, 3, flags.length);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true), args);
            assertEquals(java.util.List.of("reload"), admin.received());
            return new Run(exit, out.toString(), err.toString());
        }
    }

    @Test
    void aRefusedConfigurationIsSaidAndExitsThree() throws Exception {
        Run run = reload("{\"reloaded\":false,\"config\":\"refused\",\"config_error\":\"policyd.yaml: list: must be a "
                + "section\",\"restart_needed\":[],\"list_result\":\"unchanged: not modified\",\"list_refused\":false}");
        assertEquals(ExitCodes.REFUSED, run.exit(), run.toString());
        assertTrue(run.err().contains("configuration REFUSED: policyd.yaml: list: must be a section; the running "
                + "configuration is kept"), run.err());
        assertFalse(run.out().contains("reloaded"), run.out());
        assertTrue(run.out().contains("list: unchanged: not modified"), run.out());
    }

    @Test
    void settingsThatNeedARestartAreListed() throws Exception {
        Run run = reload("{\"reloaded\":true,\"config\":\"applied\",\"config_error\":null,"
                + "\"restart_needed\":[\"socketmap.listen\",\"limits.max-connections\"],"
                + "\"list_result\":\"installed list of 2026-01-01T00:00:00Z\",\"list_refused\":false}");
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("configuration: applied"), run.out());
        assertTrue(run.out().contains("restart needed for: socketmap.listen, limits.max-connections"), run.out());
        assertTrue(run.out().contains("list: installed list of 2026-01-01T00:00:00Z"), run.out());
    }

    @Test
    void aRefusedListExitsThreeAndAnUnchangedReloadZero() throws Exception {
        Run refused = reload("{\"reloaded\":true,\"config\":\"unchanged\",\"config_error\":null,\"restart_needed\":[],"
                + "\"list_result\":\"refused (rollback): older\",\"list_refused\":true}");
        assertEquals(ExitCodes.REFUSED, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("list: refused (rollback): older"), refused.err());
        assertFalse(refused.out().contains("restart needed"), refused.out());

        Run unchanged = reload("{\"reloaded\":true,\"config\":\"unchanged\",\"config_error\":null,\"restart_needed\":[],"
                + "\"list_result\":\"unchanged\",\"list_refused\":false}");
        assertEquals(ExitCodes.OK, unchanged.exit(), unchanged.toString());
        assertTrue(unchanged.out().startsWith("configuration: unchanged"), unchanged.out());
    }

    @Test
    void jsonPrintsTheReplyAndKeepsTheExitCode() throws Exception {
        String reply = "{\"reloaded\":false,\"config\":\"refused\",\"config_error\":\"bad\",\"restart_needed\":[],"
                + "\"list_result\":\"unchanged\",\"list_refused\":false}";
        Run run = reload(reply, "--json");
        assertEquals(ExitCodes.REFUSED, run.exit(), run.toString());
        JsonNode printed = JSON.readTree(run.out());
        assertEquals(JSON.readTree(reply), printed);
    }

    @Test
    void jsonOnAnUnreachableDaemonIsAnErrorObject() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PolicyCtl.run(Clock.systemUTC(), new PrintWriter(out, true), new PrintWriter(err, true),
                "reload", "--json", "--admin", "127.0.0.1:1", "--timeout", "2");
        assertEquals(ExitCodes.DAEMON_UNREACHABLE, exit);
        JsonNode node = JSON.readTree(out.toString());
        assertEquals(ExitCodes.DAEMON_UNREACHABLE, node.get("exit_code").asInt());
        assertEquals("unreachable", node.get("kind").asText());
        assertTrue(err.toString().startsWith("UNREACHABLE: "), err.toString());
    }
}
