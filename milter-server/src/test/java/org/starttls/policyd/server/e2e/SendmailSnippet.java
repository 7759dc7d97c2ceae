package org.starttls.policyd.server.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of {@code deploy/sendmail/starttls-policyd.mc} the Sendmail tests configure their
 * instance with, so what admins are told to paste is what is tested; only policyd's default
 * ports are replaced with the test daemon's.
 */
final class SendmailSnippet {
    static final Path FILE = Path.of("..", "deploy", "sendmail", "starttls-policyd.mc");
    private static final String SOCKETMAP_DEFAULT = "inet:5461@127.0.0.1";
    private static final String MILTER_DEFAULT = "S=inet:5463@127.0.0.1";
    private static final Pattern STS = Pattern.compile("(?m)^FEATURE\\(`sts', `([^']*)'\\)dnl$");
    /** Commented out in the snippet (the milter door is optional). */
    private static final Pattern MILTER = Pattern.compile(
            "(?m)^dnl INPUT_MAIL_FILTER\\(`starttls-policyd', `([^']*)'\\)dnl$");

    private SendmailSnippet() {}

    /** The FEATURE(`sts') map definition, asking the socketmap door on {@code port}. */
    static String stsMapDefinition(int port) {
        return withPort(STS, SOCKETMAP_DEFAULT, "inet:" + port + "@127.0.0.1");
    }

    /** The INPUT_MAIL_FILTER equates (socket, flags, timeouts), with the socket on {@code port}. */
    static String milterEquates(int port) {
        return withPort(MILTER, MILTER_DEFAULT, "S=inet:" + port + "@127.0.0.1");
    }

    private static String withPort(Pattern line, String defaultAddress, String testAddress) {
        Matcher m = line.matcher(read());
        if (!m.find()) {
            throw new AssertionError(FILE + " has no line matching " + line.pattern());
        }
        String value = m.group(1);
        if (!value.contains(defaultAddress)) {
            throw new AssertionError(FILE + ": expected " + defaultAddress + " in " + value);
        }
        return value.replace(defaultAddress, testAddress);
    }

    private static String read() {
        try {
            return Files.readString(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("the Sendmail tests run from the milter-server module directory", e);
        }
    }
}
