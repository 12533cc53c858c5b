package dev.recsys.features.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code base.yaml} and the overlays named by {@code --conf} into a {@link RecsysConfig}.
 *
 * <p>{@code --conf local} means {@code conf/base.yaml} then {@code conf/local.yaml}; several overlays are
 * comma-separated ({@code local,gpu}) and apply in order; an entry with a slash or a {@code .yaml} suffix is a
 * path, and {@code base.yaml} is then taken from the same folder. Files missing on disk are looked up on the
 * classpath under {@code recsys-conf/}, so a driver in cluster mode finds the packaged copies. Objects merge
 * key by key; anything else in an overlay replaces the base value. Unknown keys, missing keys and bad values
 * fail with the dotted key and the files read.
 */
public final class ConfigLoader {

  public static final String DEFAULT_DIR = "conf";
  private static final String CLASSPATH_DIR = "recsys-conf/";

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .build();

  private ConfigLoader() {}

  /** Loads base plus the comma-separated overlays of a {@code --conf} argument. */
  public static RecsysConfig load(String confArg) {
    List<String> entries = Arrays.stream(confArg.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toList());
    if (entries.isEmpty()) {
      throw new ConfigException("--conf names no overlay, got '" + confArg + "'");
    }
    String dir = isPath(entries.get(0)) ? parentDir(entries.get(0)) : DEFAULT_DIR;
    List<Source> sources = new ArrayList<>();
    sources.add(read(dir + "/base.yaml"));
    for (String entry : entries) {
      String location = isPath(entry) ? entry : dir + "/" + entry + ".yaml";
      if (!location.endsWith("/base.yaml")) {
        sources.add(read(location));
      }
    }
    return bind(sources);
  }

  /** Binds already-read YAML texts (base first); used by tests to check messages without files. */
  public static RecsysConfig fromYaml(String... yamlTexts) {
    List<Source> sources = new ArrayList<>();
    for (int i = 0; i < yamlTexts.length; i++) {
      sources.add(new Source("yaml#" + i, parse("yaml#" + i, yamlTexts[i])));
    }
    return bind(sources);
  }

  private record Source(String location, JsonNode tree) {}

  private static RecsysConfig bind(List<Source> sources) {
    ObjectNode merged = YAML.createObjectNode();
    for (Source s : sources) {
      if (!s.tree().isObject()) {
        throw new ConfigException(s.location() + ": expected a mapping of keys at the top level");
      }
      merge(merged, (ObjectNode) s.tree());
    }
    String files = sources.stream().map(Source::location).collect(Collectors.joining(" + "));
    try {
      return YAML.treeToValue(merged, RecsysConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
          .collect(Collectors.joining(", "));
      throw new ConfigException("unknown config key '" + key(e) + "' in " + files + " (known keys here: " + known
          + ")", e);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ConfigException("bad config value in " + files + ": " + cause.getMessage(), e);
    } catch (InvalidFormatException e) {
      String allowed = e.getTargetType() != null && e.getTargetType().isEnum()
          ? " (one of " + Arrays.stream(e.getTargetType().getEnumConstants()).map(c -> c.toString().toLowerCase())
              .collect(Collectors.joining(", ")) + ")"
          : " (expected " + (e.getTargetType() == null ? "another type" : e.getTargetType().getSimpleName()) + ")";
      throw new ConfigException("bad config value for '" + key(e) + "' in " + files + ": '" + e.getValue() + "'"
          + allowed, e);
    } catch (MismatchedInputException e) {
      throw new ConfigException("config key '" + key(e) + "' in " + files + " is missing or has the wrong type: "
          + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException("cannot read config " + files + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String key(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static void merge(ObjectNode into, ObjectNode overlay) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode existing = into.get(f.getKey());
      if (existing instanceof ObjectNode target && f.getValue() instanceof ObjectNode source) {
        merge(target, source);
      } else {
        into.set(f.getKey(), f.getValue().deepCopy());
      }
    }
  }

  private static boolean isPath(String entry) {
    return entry.contains("/") || entry.endsWith(".yaml") || entry.endsWith(".yml");
  }

  private static String parentDir(String path) {
    Path parent = Path.of(path).toAbsolutePath().getParent();
    return parent == null ? "." : parent.toString();
  }

  private static Source read(String location) {
    Path path = Path.of(location);
    if (Files.isRegularFile(path)) {
      try {
        return new Source(location, parse(location, Files.readString(path)));
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + location + ": " + e.getMessage(), e);
      }
    }
    String resource = CLASSPATH_DIR + path.getFileName();
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException("config file " + location + " not found (nor classpath:" + resource + ")");
      }
      return new Source("classpath:" + resource, parse(resource, new String(in.readAllBytes())));
    } catch (IOException e) {
      throw new ConfigException("cannot read classpath:" + resource + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode parse(String location, String text) {
    try {
      JsonNode tree = YAML.readTree(text);
      return tree == null || tree.isMissingNode() ? YAML.createObjectNode() : tree;
    } catch (JsonProcessingException e) {
      throw new ConfigException("cannot parse " + location + ": " + e.getOriginalMessage(), e);
    }
  }
}
