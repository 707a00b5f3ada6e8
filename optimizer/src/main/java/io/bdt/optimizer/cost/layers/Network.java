package io.bdt.optimizer.cost.layers;

import io.bdt.optimizer.cost.CostTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A DNN as a chain of stages, with a cut point after each stage: it propagates shapes and turns
 * per-stage costs into a {@link CostTable}.
 *
 * <p>A stage is one layer or one block. Residual and inverted-residual blocks are single stages,
 * because a cut inside one would have to send two tensors (the body's and the skip path's); cuts
 * lie at block boundaries, where exactly one tensor crosses.
 *
 * @param name model name, e.g. {@code resnet18}
 * @param input shape of one input sample
 * @param stages the stages in order (a cut after each)
 * @param bitsPerElement bits per tensor element on the wire (32 for float32)
 */
public record Network(String name, TensorShape input, List<Stage> stages, int bitsPerElement) {

  /**
   * One stage: the layers between two cut points.
   *
   * @param label where it sits in the model; the torchvision module path for the zoo models
   * @param layer the stage's layer or block
   */
  public record Stage(String label, Layer layer) {
    public Stage {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(layer, "layer");
    }
  }

  /**
   * The profile of one stage, applied to the output of the stages before it.
   *
   * @param label the stage label
   * @param kind the layer kind, e.g. {@code conv}
   * @param cost output shape and work of the stage
   */
  public record StageProfile(String label, String kind, LayerCost cost) {}

  public Network {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(input, "input");
    stages = List.copyOf(stages);
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("network " + name + ": needs at least one stage");
    }
    if (bitsPerElement < 1) {
      throw new IllegalArgumentException(
          "network " + name + ": bitsPerElement must be >= 1, was " + bitsPerElement);
    }
  }

  /** Starts a network of float32 tensors. */
  public static Builder builder(String name, TensorShape input) {
    return new Builder(name, input);
  }

  /** Shapes and costs stage by stage; errors name the model and the stage. */
  public List<StageProfile> profile() {
    List<StageProfile> profiles = new ArrayList<>(stages.size());
    TensorShape shape = input;
    for (Stage stage : stages) {
      LayerCost cost;
      try {
        cost = stage.layer().apply(shape);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new IllegalArgumentException(
            "network " + name + ", stage " + stage.label() + ": " + e.getMessage(), e);
      }
      profiles.add(new StageProfile(stage.label(), stage.layer().kind(), cost));
      shape = cost.output();
    }
    return profiles;
  }

  /** Total cost of one sample through the whole network. */
  public LayerCost total() {
    LayerCost total = new LayerCost(input, 0, 0, 0);
    for (StageProfile stage : profile()) {
      total = total.then(stage.cost());
    }
    return total;
  }

  /**
   * The cost table: cut 0 sends the input, cut {@code k} lies after stage {@code k}, and the last
   * cut (after the last stage) runs everything on the gateway and sends nothing.
   */
  public CostTable costTable() {
    List<StageProfile> profiles = profile();
    double totalFlops = profiles.stream().mapToDouble(p -> p.cost().flops()).sum();
    double inputBits = bits(input);
    List<CostTable.Cut> cuts = new ArrayList<>(profiles.size() + 1);
    cuts.add(new CostTable.Cut(0, "input", 0, totalFlops, inputBits));
    double head = 0;
    for (int i = 0; i < profiles.size(); i++) {
      StageProfile stage = profiles.get(i);
      head += stage.cost().flops();
      boolean last = i == profiles.size() - 1;
      // Summing the tail separately would leave rounding residue; the tail is what the head lacks.
      double tail = last ? 0 : Math.max(0, totalFlops - head);
      double bits = last ? 0 : bits(stage.cost().output());
      cuts.add(new CostTable.Cut(i + 1, stage.label(), last ? totalFlops : head, tail, bits));
    }
    TensorShape output = profiles.getLast().cost().output();
    return new CostTable(name, inputBits, bits(output), cuts);
  }

  private double bits(TensorShape shape) {
    return (double) shape.elements() * bitsPerElement;
  }

  /** Collects stages; each {@link #stage} call adds a cut point after it. */
  public static final class Builder {
    private final String name;
    private final TensorShape input;
    private final List<Stage> stages = new ArrayList<>();
    private int bitsPerElement = 32;

    private Builder(String name, TensorShape input) {
      this.name = name;
      this.input = input;
    }

    /** Adds a stage of one or more layers, with a cut point after it. */
    public Builder stage(String label, Layer... layers) {
      stages.add(new Stage(label, layers.length == 1 ? layers[0] : Layer.sequence(layers)));
      return this;
    }

    /**
     * Appends layers to the previous stage, so no cut lies before them; for free reshapes such as
     * flatten, which would otherwise add a cut identical to the one before.
     */
    public Builder merge(Layer... layers) {
      if (stages.isEmpty()) {
        throw new IllegalStateException("network " + name + ": merge needs a stage before it");
      }
      Stage previous = stages.removeLast();
      List<Layer> joined = new ArrayList<>();
      if (previous.layer() instanceof Layer.Sequence sequence) {
        joined.addAll(sequence.layers());
      } else {
        joined.add(previous.layer());
      }
      joined.addAll(List.of(layers));
      stages.add(new Stage(previous.label(), new Layer.Sequence(joined)));
      return this;
    }

    /** Bits per tensor element on the wire (default 32, float32). */
    public Builder bitsPerElement(int bits) {
      this.bitsPerElement = bits;
      return this;
    }

    public Network build() {
      return new Network(name, input, stages, bitsPerElement);
    }
  }
}
