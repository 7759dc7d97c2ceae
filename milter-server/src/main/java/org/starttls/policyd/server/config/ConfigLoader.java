package org.starttls.policyd.server.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the YAML config through a size bound, refusing unknown keys, values of the wrong type, a
 * key given twice (which copy would win is invisible in the file) and an empty section
 * ({@code list: ~}, or {@code socketmap:} with nothing under it: a section whose settings were
 * all commented out or lost). Every error names the file and, where the parser knows it, the line.
 */
public final class ConfigLoader {
    /** A config file is a few KiB; anything near this is a mistake (a log, a list) given by accident. */
    public static final int MAX_CONFIG_BYTES = 1024 * 1024;

    /** The types of the sections (and of {@code socketmap.maps}), none of which may be null. */
    private static final List<Class<?>> SECTIONS = List.of(PolicydConfig.ListSection.class,
            PolicydConfig.PolicySection.class, PolicydConfig.SocketmapSection.class,
            PolicydConfig.PolicyServiceSection.class, PolicydConfig.MilterSection.class,
            PolicydConfig.AdminSection.class, PolicydConfig.LimitsSection.class, PolicydConfig.MetricsSection.class,
            PolicydConfig.ProbeSection.class, PolicydConfig.OverridesSection.class, Map.class);

    private static final ObjectMapper YAML = newMapper();

    private static ObjectMapper newMapper() {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        for (Class<?> section : SECTIONS) {
            mapper.configOverride(section).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.FAIL));
        }
        return mapper;
    }

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
        } catch (InvalidNullException e) {
            throw new ConfigException(file + ": " + line(e) + path(e) + ": the section is empty; give its settings,"
                    + " or remove the key to use every default");
        } catch (InvalidFormatException e) {
            throw new ConfigException(file + ": " + path(e) + ": \"" + e.getValue() + "\" is not a valid "
                    + e.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        } catch (JsonProcessingException e) {
            String duplicate = duplicateKey(e);
            throw new ConfigException(file + ": " + line(e) + (duplicate == null ? e.getOriginalMessage()
                    : "\"" + duplicate + "\" is given twice; give each key once"));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The dotted key a duplicate-key error is about, or null when {@code e} is another error. */
    private static String duplicateKey(JsonProcessingException thrown) {
        // Deep in the tree, databind wraps the parser's error in one of its own.
        Throwable cause = thrown;
        while (cause != null && !(cause instanceof StreamReadException)) {
            cause = cause.getCause();
        }
        StreamReadException e = (StreamReadException) cause;
        if (e == null || e.getOriginalMessage() == null || !e.getOriginalMessage().startsWith("Duplicate field")
                || e.getProcessor() == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (JsonStreamContext context = e.getProcessor().getParsingContext(); context != null;
                context = context.getParent()) {
            if (context.inObject() && context.getCurrentName() != null) {
                names.add(0, context.getCurrentName());
            }
        }
        return names.isEmpty() ? null : String.join(".", names);
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    /** The file's bytes, refused when larger than {@link #MAX_CONFIG_BYTES} (also for the overrides file). */
    static byte[] readBounded(Path file) throws ConfigException {
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
