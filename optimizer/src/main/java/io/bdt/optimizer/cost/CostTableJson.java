package io.bdt.optimizer.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads and writes {@link CostTable}s in the cost-table JSON format ({@code docs/cost-table.md},
 * schema version {@value #SCHEMA_VERSION}); every table read is checked by {@link CostTableRules}.
 *
 * <p>Errors name the JSON path and the rule, e.g. {@code cuts[2].headFlops: must be a number, was
 * "x"}. Unknown fields are rejected (a misspelt optional field would otherwise vanish silently),
 * except inside the free-form {@code metadata} object.
 */
public final class CostTableJson {

  /** The schema version this code reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final Set<String> TABLE_FIELDS =
      Set.of("schemaVersion", "model", "inputBits", "outputBits", "cuts", "metadata");
  private static final Set<String> CUT_FIELDS =
      Set.of("id", "label", "headFlops", "tailFlops", "bits", "headSeconds", "tailSeconds");

  private CostTableJson() {}

  /** Reads and validates a cost table from a JSON file. */
  public static CostTable read(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("cannot read cost table " + file + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cost table " + file + ": " + e, e);
    }
    return parse(json, file.toString());
  }

  /** Parses and validates a cost table; {@code source} names it in errors (a file name, say). */
  public static CostTable parse(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidCostTableException(
          source, List.of("not valid JSON: " + e.getOriginalMessage()));
    }
    List<String> problems = new ArrayList<>();
    CostTable table = decode(root, problems);
    if (table != null && problems.isEmpty()) {
      problems.addAll(CostTableRules.violations(table));
    }
    if (!problems.isEmpty()) {
      throw new InvalidCostTableException(source, problems);
    }
    return table;
  }

  /** The table as JSON text (schema version {@value #SCHEMA_VERSION}, two-space indent). */
  public static String write(CostTable table) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("model", table.model());
    putNumber(root, "inputBits", table.inputBits());
    putNumber(root, "outputBits", table.outputBits());
    ArrayNode cuts = root.putArray("cuts");
    for (CostTable.Cut cut : table.cuts()) {
      ObjectNode node = cuts.addObject();
      node.put("id", cut.id());
      node.put("label", cut.label());
      putNumber(node, "headFlops", cut.headFlops());
      putNumber(node, "tailFlops", cut.tailFlops());
      putNumber(node, "bits", cut.bits());
      cut.headSeconds().ifPresent(s -> node.put("headSeconds", s));
      cut.tailSeconds().ifPresent(s -> node.put("tailSeconds", s));
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize cost table " + table.model(), e);
    }
  }

  /** Writes the table to {@code file} as JSON. */
  public static void write(CostTable table, Path file) {
    try {
      Files.writeString(file, write(table));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write cost table " + file + ": " + e.getMessage(), e);
    }
  }

  private static CostTable decode(JsonNode root, List<String> problems) {
    if (!root.isObject()) {
      problems.add("(root): must be a JSON object, was " + root.getNodeType());
      return null;
    }
    unknownFields(root, "", TABLE_FIELDS, problems);
    JsonNode version = root.get("schemaVersion");
    if (version == null) {
      problems.add("schemaVersion: required (this reader knows " + SCHEMA_VERSION + ")");
    } else if (!version.isIntegralNumber() || version.asInt() != SCHEMA_VERSION) {
      problems.add("schemaVersion: must be " + SCHEMA_VERSION + ", was " + version);
    }
    String model = text(root, "model", "model", true, problems);
    double inputBits = number(root, "inputBits", "inputBits", problems).orElse(Double.NaN);
    double outputBits = number(root, "outputBits", "outputBits", problems).orElse(Double.NaN);
    JsonNode metadata = root.get("metadata");
    if (metadata != null && !metadata.isObject()) {
      problems.add("metadata: must be a JSON object, was " + metadata.getNodeType());
    }
    JsonNode cutsNode = root.get("cuts");
    List<CostTable.Cut> cuts = new ArrayList<>();
    if (cutsNode == null) {
      problems.add("cuts: required");
    } else if (!cutsNode.isArray()) {
      problems.add("cuts: must be an array, was " + cutsNode.getNodeType());
    } else {
      for (int k = 0; k < cutsNode.size(); k++) {
        String at = "cuts[" + k + "]";
        JsonNode cut = cutsNode.get(k);
        if (!cut.isObject()) {
          problems.add(at + ": must be a JSON object, was " + cut.getNodeType());
          continue;
        }
        unknownFields(cut, at + ".", CUT_FIELDS, problems);
        JsonNode id = cut.get("id");
        int cutId = -1;
        if (id == null) {
          problems.add(at + ".id: required");
        } else if (!id.canConvertToInt() || !id.isIntegralNumber()) {
          problems.add(at + ".id: must be an integer, was " + id);
        } else {
          cutId = id.asInt();
        }
        cuts.add(
            new CostTable.Cut(
                cutId,
                text(cut, "label", at + ".label", true, problems),
                number(cut, "headFlops", at + ".headFlops", problems).orElse(Double.NaN),
                number(cut, "tailFlops", at + ".tailFlops", problems).orElse(Double.NaN),
                number(cut, "bits", at + ".bits", problems).orElse(Double.NaN),
                optionalNumber(cut, "headSeconds", at + ".headSeconds", problems),
                optionalNumber(cut, "tailSeconds", at + ".tailSeconds", problems)));
      }
    }
    return problems.isEmpty() ? new CostTable(model, inputBits, outputBits, cuts) : null;
  }

  private static void unknownFields(
      JsonNode node, String prefix, Set<String> known, List<String> problems) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        problems.add(
            prefix + name + ": unknown field (known: " + String.join(", ", sorted(known)) + ")");
      }
    }
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static String text(
      JsonNode node, String field, String path, boolean required, List<String> problems) {
    JsonNode value = node.get(field);
    if (value == null) {
      if (required) {
        problems.add(path + ": required");
      }
      return null;
    }
    if (!value.isTextual()) {
      problems.add(path + ": must be a string, was " + value);
      return null;
    }
    return value.asText();
  }

  private static OptionalDouble number(
      JsonNode node, String field, String path, List<String> problems) {
    if (node.get(field) == null) {
      problems.add(path + ": required");
      return OptionalDouble.empty();
    }
    return optionalNumber(node, field, path, problems);
  }

  private static OptionalDouble optionalNumber(
      JsonNode node, String field, String path, List<String> problems) {
    JsonNode value = node.get(field);
    if (value == null) {
      return OptionalDouble.empty();
    }
    if (!value.isNumber()) {
      problems.add(path + ": must be a number, was " + value);
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(value.asDouble());
  }

  /** Whole numbers are written without a fraction, so FLOP and bit counts read as integers. */
  private static void putNumber(ObjectNode node, String field, double value) {
    if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
      node.put(field, (long) value);
    } else {
      node.put(field, value);
    }
  }
}
