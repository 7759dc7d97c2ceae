package org.starttls.policyd.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** The system's reason for a failed file operation, in words an operator can act on. */
final class IoErrors {
    private IoErrors() {
    }

    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return ((AccessDeniedException) e).getFile() + ": permission denied";
        }
        if (e instanceof NoSuchFileException) {
            NoSuchFileException missing = (NoSuchFileException) e;
            return missing.getFile() + ": no such file or directory";
        }
        if (e instanceof FileSystemException) {
            FileSystemException fse = (FileSystemException) e;
            String reason = fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
            return fse.getFile() + ": " + reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
