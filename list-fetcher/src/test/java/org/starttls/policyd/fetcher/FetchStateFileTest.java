package org.starttls.policyd.fetcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchStateFileTest {
    private static final URI LIST = URI.create("https://lists.example/policy.json");

    @TempDir
    Path root;

    @Test
    void validatorsSurviveARestart() throws Exception {
        new FetchStateFile(root).write(LIST, new Validators("\"abc\"", "Wed, 20 May 2020 17:25:13 GMT"));

        assertEquals(new Validators("\"abc\"", "Wed, 20 May 2020 17:25:13 GMT"), new FetchStateFile(root).read(LIST));
    }

    @Test
    void validatorsOfAnotherUrlAreNotUsed() throws Exception {
        new FetchStateFile(root).write(LIST, new Validators("\"abc\"", null));

        assertEquals(Validators.NONE, new FetchStateFile(root).read(URI.create("https://other.example/policy.json")));
    }

    @Test
    void missingOrOversizedFileMeansUnconditional() throws Exception {
        FetchStateFile state = new FetchStateFile(root);
        assertEquals(Validators.NONE, state.read(LIST));

        Files.write(root.resolve(FetchStateFile.FILE_NAME), new byte[(int) FetchStateFile.MAX_FILE_BYTES + 1]);
        assertEquals(Validators.NONE, state.read(LIST));
    }

    @Test
    void clearForgetsTheValidators() throws Exception {
        FetchStateFile state = new FetchStateFile(root);
        state.write(LIST, new Validators("\"abc\"", null));

        state.clear();

        assertEquals(Validators.NONE, state.read(LIST));
    }
}
