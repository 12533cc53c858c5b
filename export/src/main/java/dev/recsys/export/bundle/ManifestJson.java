package dev.recsys.export.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.stream.Collectors;

/**
 * Reads and writes {@code manifest.json}. Reading is strict: unknown or missing fields, duplicate keys, trailing
 * content and a {@code format_version} other than {@link Manifest#FORMAT_VERSION} fail with a message naming the
 * file and the field.
 */
final class ManifestJson {

  private static final JsonMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .addModule(new SimpleModule("instant-iso8601")
          .addSerializer(Instant.class, ToStringSerializer.instance)
          .addDeserializer(Instant.class, new FromStringDeserializer<Instant>(Instant.class) {
            @Override
            protected Instant _deserialize(String value, DeserializationContext ctxt) throws IOException {
              try {
                return Instant.parse(value);
              } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, value, "not an ISO-8601 UTC time");
              }
            }
          }))
      .build();

  private ManifestJson() {}

  /** Returns the manifest as UTF-8 JSON text, one field per line, ending with a newline. */
  static byte[] toBytes(Manifest manifest) throws IOException {
    return (JSON.writeValueAsString(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the manifest read from {@code file}. */
  static Manifest read(Path file) throws IOException {
    return parse(Files.readAllBytes(file), file.toString());
  }

  /** Returns the manifest in {@code json}; {@code source} names where it came from in error messages. */
  static Manifest parse(byte[] json, String source) throws BundleException {
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new BundleException("cannot parse " + source + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new BundleException("cannot parse " + source + ": " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new BundleException(source + ": expected a JSON object");
    }
    JsonNode format = tree.get("format_version");
    if (format == null) {
      throw new BundleException(source + ": missing field 'format_version'");
    }
    if (!format.isInt() || format.intValue() != Manifest.FORMAT_VERSION) {
      throw new BundleException(source + " has format_version " + format + " but this code reads only format_version "
          + Manifest.FORMAT_VERSION);
    }
    try {
      return JSON.treeToValue(tree, Manifest.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
          .collect(Collectors.joining(", "));
      throw new BundleException(source + ": unknown field '" + field(e) + "' (known fields there: " + known + ")", e);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new BundleException(source + " is invalid: " + cause.getMessage(), e);
    } catch (InvalidFormatException e) {
      String expected = e.getTargetType() == null ? "" : " (expected " + e.getTargetType().getSimpleName() + ")";
      throw new BundleException(source + ": field '" + field(e) + "' has a bad value '" + e.getValue() + "'" + expected,
          e);
    } catch (MismatchedInputException e) {
      throw new BundleException(source + ": field '" + field(e) + "' is missing or has the wrong type: "
          + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new BundleException("cannot read " + source + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String field(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
