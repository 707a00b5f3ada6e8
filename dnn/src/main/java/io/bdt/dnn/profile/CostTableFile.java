package io.bdt.dnn.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.dnn.codec.Encoding;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes a {@link CutProfiler.Profile} as the cost-table JSON the optimizer reads ({@code
 * docs/cost-table.md}, schema version 1): per cut {@code headFlops}, {@code tailFlops}, {@code
 * bits} (per sample, from the graph analysis) and the measured {@code headSeconds}/{@code
 * tailSeconds} (per sample, at the first thread count profiled). Every thread count's timings go
 * into {@code metadata.secondsByThreads}.
 *
 * <p>Bits are the crossing tensors' raw size by default; with a wire {@link Encoding} they are the
 * size of the {@link FrameCodec} frame that carries them (header, payload in that encoding, CRC),
 * which is what the link really carries ({@code d_k} "as sent on the wire").
 */
public final class CostTableFile {

  /** The cost-table schema version written. */
  public static final int SCHEMA_VERSION = 1;

  private static final ModelHash SIZE_ONLY = ModelHash.of(new byte[ModelHash.BYTES]);

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CostTableFile() {}

  /**
   * The profile as cost-table JSON; {@code model} names it, {@code measuredAt} dates it, {@code
   * wire} (if present) makes bits the codec frame's size in that encoding.
   */
  public static String json(
      CutProfiler.Profile profile, String model, Instant measuredAt, Optional<Encoding> wire) {
    GraphAnalysis analysis = profile.analysis();
    ObjectNode root = header(analysis, model, wire);
    ArrayNode cuts = root.putArray("cuts");
    for (CutProfiler.CutProfile c : profile.cuts()) {
      cut(cuts, analysis, c.cut(), c.cut().id(), c.cut().label(), model, wire)
          .put("headSeconds", c.timings().get(0).headSeconds())
          .put("tailSeconds", c.timings().get(0).tailSeconds());
    }
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("source", "bdt dnn profile");
    metadata.put("measuredAt", measuredAt.toString());
    metadata.put("secondsAtThreads", profile.settings().threads().get(0));
    metadata.put("warmup", profile.settings().warmup());
    metadata.put("repeats", profile.settings().repeats());
    metadata.put("statistic", profile.settings().statistic().name().toLowerCase(Locale.ROOT));
    metadata.put(
        "bits", wire.map(e -> "codec frame, " + e.name().toLowerCase()).orElse("raw tensors"));
    metadata.put("batch", analysis.batch());
    metadata.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    metadata.put("osArch", System.getProperty("os.arch"));
    metadata.put("javaVersion", System.getProperty("java.version"));
    ObjectNode byThreads = metadata.putObject("secondsByThreads");
    for (int i = 0; i < profile.settings().threads().size(); i++) {
      ArrayNode rows = byThreads.putArray(Integer.toString(profile.settings().threads().get(i)));
      for (CutProfiler.CutProfile c : profile.cuts()) {
        CutProfiler.Timing t = c.timings().get(i);
        rows.addObject()
            .put("id", c.cut().id())
            .put("headSeconds", t.headSeconds())
            .put("tailSeconds", t.tailSeconds());
      }
    }
    return serialize(root, model);
  }

  /**
   * The cost table of a graph analysis alone, every cut with FLOPs and raw-tensor bits and no
   * timings ({@code ./bdt dnn inspect --json}); the same fields, in the same order, as {@link
   * #json(CutProfiler.Profile, String, Instant, Optional)} writes.
   */
  public static String json(GraphAnalysis analysis) {
    return json(analysis, analysis.name(), analysis.cuts(), CutPoint::label);
  }

  /**
   * The cost table of some of a graph analysis' cuts ({@code kept}, in cut order, the first and
   * last among them), named {@code model}, renumbered from 0 and labelled by {@code label}; FLOPs
   * and raw-tensor bits, no timings.
   */
  public static String json(
      GraphAnalysis analysis, String model, List<CutPoint> kept, Function<CutPoint, String> label) {
    ObjectNode root = header(analysis, model, Optional.empty());
    ArrayNode cuts = root.putArray("cuts");
    for (CutPoint c : kept) {
      cut(cuts, analysis, c, cuts.size(), label.apply(c), model, Optional.empty());
    }
    return serialize(root, model);
  }

  private static ObjectNode header(GraphAnalysis analysis, String model, Optional<Encoding> wire) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("model", model);
    root.put(
        "inputBits",
        wire.isPresent()
            ? frameBits(model, 0, analysis.inputs(), wire.get(), analysis.batch())
            : analysis.inputBits());
    root.put("outputBits", analysis.outputBits());
    return root;
  }

  /** Appends cut {@code c} to {@code cuts} as the table's cut {@code id} labelled {@code label}. */
  private static ObjectNode cut(
      ArrayNode cuts,
      GraphAnalysis analysis,
      CutPoint c,
      int id,
      String label,
      String model,
      Optional<Encoding> wire) {
    ObjectNode cut = cuts.addObject();
    cut.put("id", id);
    cut.put("label", label);
    cut.put("headFlops", c.headFlops());
    cut.put("tailFlops", c.tailFlops());
    boolean fullyLocal = c.position() == analysis.layers().size();
    cut.put(
        "bits",
        wire.isPresent() && !fullyLocal
            ? frameBits(model, c.id(), c.tensors(), wire.get(), analysis.batch())
            : c.bits());
    return cut;
  }

  private static String serialize(ObjectNode root, String model) {
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the cost table of " + model, e);
    }
  }

  /** Writes {@link #json} to {@code file}, creating parent directories. */
  public static void write(
      CutProfiler.Profile profile,
      String model,
      Instant measuredAt,
      Optional<Encoding> wire,
      Path file)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, json(profile, model, measuredAt, wire));
  }

  /** Bits per sample of the frame carrying {@code tensors} across cut {@code cut}. */
  static long frameBits(
      String model, int cut, List<TensorInfo> tensors, Encoding encoding, long batch) {
    List<Tensor> frameTensors = new ArrayList<>();
    for (TensorInfo t : tensors) {
      int[] shape = t.dims().stream().mapToInt(Math::toIntExact).toArray();
      frameTensors.add(
          new Tensor(t.name(), encoding, shape, new float[Math.toIntExact(t.elements())]));
    }
    // a frame's size does not depend on the hash's value, so no need to hash the model here
    return 8L * FrameCodec.encodedSize(new Frame(model, SIZE_ONLY, cut, frameTensors)) / batch;
  }
}
