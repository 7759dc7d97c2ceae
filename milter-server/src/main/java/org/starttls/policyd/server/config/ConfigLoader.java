package org.starttls.policyd.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads the YAML config through a size bound, refusing unknown keys and values of the wrong type. */
public final class ConfigLoader {
    /** A config file is a few KiB; anything near this is a mistake (a log, a list) given by accident. */
    public static final int MAX_CONFIG_BYTES = 1024 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigLoader() {
    }

    /** Reads {@code file}; an empty file means every default (at start only: see {@link #loadForReload}). */
    public static PolicydConfig load(Path file) throws ConfigException {
        byte[] bytes = readBounded(file);
        PolicydConfig config = isEmpty(bytes) ? null : parse(file, bytes);
        return config == null ? new PolicydConfig() : config;
    }

    /**
     * Reads {@code file} for a reload of a running daemon. An empty file is refused: it is far
     * more often a file being rewritten or truncated by accident than a wish to drop every setting
     * (list source, keyring) of the running configuration for the defaults.
     */
    public static PolicydConfig loadForReload(Path file) throws ConfigException {
        byte[] bytes = readBounded(file);
        PolicydConfig config = isEmpty(bytes) ? null : parse(file, bytes);
        if (config == null) {
            throw new ConfigException(file + ": the file is empty (no settings); a reload does not replace the running "
                    + "configuration with the defaults (write the settings back, or restart policyd to run on defaults)");
        }
        return config;
    }

    private static boolean isEmpty(byte[] bytes) {
        return bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank();
    }

    /** The parsed file, or null when it holds no settings (only comments). */
    private static PolicydConfig parse(Path file, byte[] bytes) throws ConfigException {
        try {
            return YAML.readValue(bytes, PolicydConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file + ": unknown key \"" + path(e) + "\"; known keys here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (InvalidFormatException e) {
            throw new ConfigException(file + ": " + path(e) + ": \"" + e.getValue() + "\" is not a valid "
                    + e.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": " + (e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr()
                    + ": ") + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static byte[] readBounded(Path file) throws ConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
            if (bytes.length > MAX_CONFIG_BYTES) {
                throw new ConfigException(file + ": larger than " + MAX_CONFIG_BYTES + " bytes; is this the config file?");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
