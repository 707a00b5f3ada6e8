package io.bdt.dnn.profile;

import ai.onnxruntime.OrtException;
import io.bdt.dnn.cli.InputShapes;
import io.bdt.dnn.codec.Encoding;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.zoo.ModelZoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code bdt dnn profile}: measures every cut's head and tail latency on this machine and writes
 * the cost table the optimizer reads.
 */
@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description = {
      "Measure head and tail latency of every cut on this machine (ONNX Runtime, warm-up, median"
          + " or minimum of repeated runs, per thread count) and write the optimizer's cost-table JSON"
          + " (docs/cost-table.md).",
      "Progress goes to stderr; the table goes to --out, or to stdout."
    })
public final class ProfileCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description = "an .onnx file, or a zoo model name (see 'bdt dnn zoo')")
  String model;

  @Option(
      names = "--threads",
      split = ",",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "intra-op thread counts to measure (default: ${DEFAULT-VALUE}); the table's"
              + " headSeconds/tailSeconds are at the first, all go into metadata.secondsByThreads")
  List<Integer> threads;

  @Option(
      names = "--input",
      paramLabel = "NAME=DIMS",
      description =
          "shape of a graph input, e.g. window=1x1024; needed for inputs with symbolic dims")
  Map<String, String> inputs = new LinkedHashMap<>();

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "5",
      description = "untimed runs before timing (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--repeats",
      paramLabel = "N",
      defaultValue = "21",
      description = "timed runs per side (default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(
      names = "--statistic",
      paramLabel = "median|min",
      defaultValue = "median",
      converter = StatisticName.class,
      description =
          "summary of the timed runs (default: ${DEFAULT-VALUE}); min suits a busy shared machine")
  CutProfiler.Statistic statistic;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "1",
      description = "seed of the random input values (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--max-tensors",
      paramLabel = "N",
      description = "keep cuts crossed by at most N tensors (default: ${DEFAULT-VALUE})")
  int maxTensors = GraphAnalyzer.DEFAULT_MAX_CUT_TENSORS;

  @Option(
      names = "--encoding",
      paramLabel = "ENC",
      converter = EncodingName.class,
      description =
          "count bits as the codec frame in this wire encoding (float32, float16, int8) instead"
              + " of the raw tensors")
  Encoding encoding;

  @Option(names = "--out", paramLabel = "FILE", description = "write the JSON here, not stdout")
  Path out;

  @Override
  public Integer call() throws IOException, OrtException {
    Map<String, List<Long>> shapes;
    try {
      shapes = InputShapes.parse(inputs);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CutProfiler.Settings settings;
    try {
      settings = new CutProfiler.Settings(threads, warmup, repeats, seed, statistic);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ModelProto onnx;
    String name;
    Path file = Path.of(model);
    if (Files.isRegularFile(file)) {
      onnx = OnnxModels.read(file);
      String stem = file.getFileName().toString();
      name = stem.endsWith(".onnx") ? stem.substring(0, stem.length() - 5) : stem;
    } else if (model.endsWith(".onnx")) {
      throw new ParameterException(spec.commandLine(), "MODEL: no such file " + model);
    } else {
      onnx = ModelZoo.named(model).build();
      name = model;
    }
    GraphAnalysis analysis = GraphAnalyzer.analyze(onnx, shapes, maxTensors);
    CutProfiler.Profile profile;
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("profile " + name)
            .setInitialMax((long) analysis.cuts().size() * threads.size())
            .setStyle(ProgressBarStyle.ASCII)
            .continuousUpdate()
            .build()) {
      profile =
          CutProfiler.profile(
              analysis,
              settings,
              step -> {
                bar.setExtraMessage(step);
                bar.step();
              });
    }
    String json = CostTableFile.json(profile, name, Instant.now(), Optional.ofNullable(encoding));
    if (out == null) {
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.print(json);
      stdout.flush();
    } else {
      CostTableFile.write(profile, name, Instant.now(), Optional.ofNullable(encoding), out);
      spec.commandLine()
          .getErr()
          .printf("wrote %s (%d cuts, threads %s)%n", out, profile.cuts().size(), threads);
    }
    return 0;
  }

  /** Reads an {@link Encoding} by name in any case ({@code int8}, {@code FLOAT16}). */
  static final class EncodingName implements ITypeConverter<Encoding> {
    @Override
    public Encoding convert(String value) {
      try {
        return Encoding.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + value + "' is not an encoding; use float32, float16 or int8");
      }
    }
  }

  /** Reads a {@link CutProfiler.Statistic} by name in any case. */
  static final class StatisticName implements ITypeConverter<CutProfiler.Statistic> {
    @Override
    public CutProfiler.Statistic convert(String value) {
      try {
        return CutProfiler.Statistic.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a statistic; use median or min");
      }
    }
  }
}
