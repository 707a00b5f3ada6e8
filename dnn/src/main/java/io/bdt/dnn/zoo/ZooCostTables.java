package io.bdt.dnn.zoo;

import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.StringStringEntryProto;
import io.bdt.dnn.profile.CostTableFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer's built-in cost tables, derived from the zoo: the zoo's ONNX graphs are the one
 * definition of these networks, and the optimizer (which does not depend on this module) reads the
 * tables written here from its resources ({@code ./bdt dnn zoo-tables}; {@code ZooCostTablesTest}
 * fails when they are not what this class derives).
 *
 * <p>A table's cuts are the graph analysis' cuts that exactly one tensor crosses, at stage
 * boundaries: inside a residual or inverted-residual block (declared by the zoo builder in the
 * model's {@value #BLOCKS_KEY} metadata) only the block's output is a cut, labelled with the
 * block's name, so a table has one cut per block as in the system model's chain of layers; and a
 * cut that sends what the cut before it sent, after no FLOPs (a flatten, a dropout), is left out.
 */
public final class ZooCostTables {

  /** Metadata key: comma-separated node-name prefixes of the model's blocks. */
  public static final String BLOCKS_KEY = "bdt.zoo.blocks";

  /** The optimizer's name of each zoo model it has a table of (zoo name to table name). */
  public static final Map<String, String> TABLE_NAMES =
      tableNames("alexnet", "vgg16", "resnet18", "mobilenetv2", "vibration");

  private ZooCostTables() {}

  private static Map<String, String> tableNames(String... zooNames) {
    Map<String, String> names = new LinkedHashMap<>();
    for (String zoo : zooNames) {
      names.put(zoo, zoo.equals("mobilenetv2") ? "mobilenet_v2" : zoo);
    }
    return names;
  }

  /** The cost-table JSON of zoo model {@code zooName}, named {@code tableName}. */
  public static String json(String zooName, String tableName) {
    return json(ModelZoo.named(zooName).build(), tableName);
  }

  /** The stage-level cost-table JSON of {@code model} (see the class comment). */
  public static String json(ModelProto model, String tableName) {
    GraphAnalysis analysis = GraphAnalyzer.analyze(model, Map.of(), 1);
    List<String> blocks = blocks(model);
    LinkedHashMap<CutPoint, String> kept = new LinkedHashMap<>(); // cut to its label, in order
    List<CutPoint> cuts = analysis.cuts();
    for (int i = 0; i < cuts.size(); i++) {
      CutPoint cut = cuts.get(i);
      String block = blockOf(cut, blocks);
      if (block != null && i + 1 < cuts.size() && block.equals(blockOf(cuts.get(i + 1), blocks))) {
        continue; // inside the block: only its output is a stage boundary
      }
      CutPoint previous = kept.isEmpty() ? null : kept.lastEntry().getKey();
      if (previous != null
          && previous.headFlops() == cut.headFlops()
          && previous.bits() == cut.bits()) {
        continue; // a free reshape or an inference-time identity: the same data crosses again
      }
      kept.put(cut, block != null ? block : cut.label());
    }
    return CostTableFile.json(analysis, tableName, List.copyOf(kept.keySet()), kept::get);
  }

  /** Writes every table as {@code dir/<table name>.json}; returns the files. */
  public static List<Path> writeAll(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> e : TABLE_NAMES.entrySet()) {
      Path file = dir.resolve(e.getValue() + ".json");
      Files.writeString(file, json(e.getKey(), e.getValue()));
      files.add(file);
    }
    return files;
  }

  private static List<String> blocks(ModelProto model) {
    for (StringStringEntryProto p : model.getMetadataPropsList()) {
      if (p.getKey().equals(BLOCKS_KEY) && !p.getValue().isEmpty()) {
        return List.of(p.getValue().split(","));
      }
    }
    return List.of();
  }

  /** The declared block whose nodes produce the cut's tensor, or null. */
  private static String blockOf(CutPoint cut, List<String> blocks) {
    String label = cut.label();
    for (String block : blocks) {
      if (label.startsWith(block + ".")) {
        return block;
      }
    }
    return null;
  }
}
