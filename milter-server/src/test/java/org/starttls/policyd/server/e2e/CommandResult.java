package org.starttls.policyd.server.e2e;

import java.util.List;

/** What one finished external command left behind: its exit code and what it printed. */
record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

    CommandResult {
        command = List.copyOf(command);
    }

    boolean succeeded() {
        return exitCode == 0;
    }

    /** Returns this result, or throws with everything the command printed so a failure explains itself. */
    CommandResult orThrow() {
        if (!succeeded()) {
            throw new IllegalStateException(describe());
        }
        return this;
    }

    String describe() {
        return String.join(" ", command) + " exited " + exitCode
                + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
