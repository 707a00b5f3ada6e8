package io.bdt.optimizer.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.optimizer.cost.CostTableJson;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads scenario JSON: a file overrides any subset of the default scenario's fields, and every
 * problem is reported as {@code scenario.field: rule, was value} (unknown field, wrong type, broken
 * rule, unreadable model file).
 *
 * <p>The default scenario is the resource {@value #DEFAULT_RESOURCE}, the one source of its
 * numbers. Model entries ending in {@code .json} are cost-table files; a relative path is resolved
 * against the scenario file's directory and stored absolute.
 */
public final class ScenarioFile {

  /** Class-path resource holding the default scenario. */
  public static final String DEFAULT_RESOURCE = "/scenarios/default.json";

  /** The {@code --scenario} value that selects the default scenario. */
  public static final String DEFAULT_NAME = "default";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  /** Record components by JSON name, in declaration order. */
  private static final Map<String, RecordComponent> FIELDS = new LinkedHashMap<>();

  static {
    for (RecordComponent component : Scenario.class.getRecordComponents()) {
      FIELDS.put(component.getName(), component);
    }
  }

  private static volatile Scenario defaults;

  private ScenarioFile() {}

  /** The default scenario (parsed once from {@value #DEFAULT_RESOURCE}). */
  public static Scenario defaults() {
    Scenario scenario = defaults;
    if (scenario == null) {
      try (InputStream in = ScenarioFile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("resource " + DEFAULT_RESOURCE + " is missing");
        }
        JsonNode tree = readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        List<String> problems = new ArrayList<>();
        checkFields(tree, problems);
        for (String field : FIELDS.keySet()) {
          if (!tree.has(field)) {
            problems.add("scenario." + field + ": missing from " + DEFAULT_RESOURCE);
          }
        }
        throwIfAny(problems);
        scenario = convert(tree);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
      }
      defaults = scenario;
    }
    return scenario;
  }

  /** {@code default} gives the default scenario; anything else is a scenario file path. */
  public static Scenario resolve(String fileOrDefault) {
    return DEFAULT_NAME.equals(fileOrDefault) ? defaults() : load(Path.of(fileOrDefault));
  }

  /** Reads a scenario file whose fields override the default scenario's. */
  public static Scenario load(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidScenarioException(List.of("scenario: no such file " + file));
    } catch (IOException e) {
      throw new InvalidScenarioException(
          List.of("scenario: cannot read " + file + ": " + e.getMessage()));
    }
    Path parent = file.toAbsolutePath().getParent();
    return override(defaults(), json, parent);
  }

  /**
   * {@code base} with the fields of the JSON object {@code json} replaced; relative model paths are
   * resolved against {@code baseDirectory}.
   */
  public static Scenario override(Scenario base, String json, Path baseDirectory) {
    JsonNode overrides = readTree(json);
    List<String> problems = new ArrayList<>();
    checkFields(overrides, problems);
    throwIfAny(problems);
    ObjectNode merged = toTree(base);
    merged.setAll((ObjectNode) overrides);
    resolveModelFiles(merged, overrides.has("models") ? baseDirectory : null, problems);
    Scenario scenario;
    try {
      scenario = convert(merged);
    } catch (InvalidScenarioException e) {
      // Field rules first (field order), then the model files, so one run reports everything.
      List<String> all = new ArrayList<>(e.problems());
      all.addAll(problems);
      throw new InvalidScenarioException(all);
    }
    throwIfAny(problems);
    return scenario;
  }

  /** The scenario as JSON text; reading it back gives an equal scenario. */
  public static String toJson(Scenario scenario) {
    try {
      return MAPPER.writeValueAsString(scenario) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize scenario", e);
    }
  }

  /** The scenario as a JSON tree (for reports that embed it). */
  public static ObjectNode toTree(Scenario scenario) {
    return MAPPER.valueToTree(scenario);
  }

  /** {@code base} with one field replaced, checked like a file override. */
  static Scenario with(Scenario base, String field, Object value) {
    ObjectNode merged = toTree(base);
    merged.set(field, MAPPER.valueToTree(value));
    return convert(merged);
  }

  private static JsonNode readTree(String json) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      if (tree == null || !tree.isObject()) {
        throw new InvalidScenarioException(
            List.of(
                "scenario: must be a JSON object, was "
                    + (tree == null ? "empty" : tree.getNodeType())));
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw new InvalidScenarioException(
          List.of(
              "scenario: not valid JSON at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ": "
                  + e.getOriginalMessage()));
    }
  }

  /** Unknown fields and wrong JSON types, checked against the record's component types. */
  private static void checkFields(JsonNode tree, List<String> problems) {
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String path = "scenario." + entry.getKey();
      RecordComponent component = FIELDS.get(entry.getKey());
      if (component == null) {
        problems.add(path + ": unknown field (known: " + String.join(", ", FIELDS.keySet()) + ")");
        continue;
      }
      JsonNode value = entry.getValue();
      Class<?> type = component.getType();
      if (value.isNull()) {
        problems.add(path + ": must not be null");
      } else if (type == int.class) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
          problems.add(path + ": must be an integer, was " + value);
        }
      } else if (type == long.class) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
          problems.add(path + ": must be an integer, was " + value);
        }
      } else if (type == double.class) {
        if (!value.isNumber()) {
          problems.add(path + ": must be a number, was " + value);
        }
      } else if (type == Association.class) {
        if (!value.isTextual()) {
          problems.add(
              path
                  + ": must be one of "
                  + String.join(", ", Association.names())
                  + ", was "
                  + value);
        } else {
          try {
            Association.fromJson(value.asText());
          } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
          }
        }
      } else if (type == List.class
          && component.getGenericType() instanceof ParameterizedType list
          && Arrays.equals(list.getActualTypeArguments(), new Class<?>[] {String.class})) {
        if (!value.isArray()) {
          problems.add(path + ": must be an array of strings, was " + value);
        } else {
          for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
              problems.add(path + "[" + i + "]: must be a string, was " + value.get(i));
            }
          }
        }
      } else {
        throw new IllegalStateException("no JSON type check for scenario field " + path);
      }
    }
  }

  /** Makes relative cost-table paths absolute and checks that each file holds a valid table. */
  private static void resolveModelFiles(
      ObjectNode merged, Path baseDirectory, List<String> problems) {
    ArrayNode models = (ArrayNode) merged.get("models");
    for (int i = 0; i < models.size(); i++) {
      String entry = models.get(i).asText();
      if (!Scenario.isModelFile(entry)) {
        continue;
      }
      Path path = Path.of(entry);
      if (!path.isAbsolute() && baseDirectory != null) {
        path = baseDirectory.resolve(path);
      }
      path = path.toAbsolutePath().normalize();
      models.set(i, path.toString());
      try {
        CostTableJson.read(path);
      } catch (RuntimeException e) {
        problems.add("scenario.models[" + i + "]: " + e.getMessage());
      }
    }
  }

  private static Scenario convert(JsonNode tree) {
    try {
      return MAPPER.treeToValue(tree, Scenario.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof InvalidScenarioException invalid) {
          throw invalid;
        }
      }
      throw new InvalidScenarioException(List.of("scenario: " + e.getMessage()));
    }
  }

  private static void throwIfAny(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new InvalidScenarioException(problems);
    }
  }
}
