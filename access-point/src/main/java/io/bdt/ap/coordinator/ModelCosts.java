package io.bdt.ap.coordinator;

import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.optimizer.cost.CostTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer's cost table ({@code c_k^head}, {@code c_k^tail}, {@code d_k} per sample) of a
 * model from the dnn module's analysis of its ONNX graph: the same table the gateway's heads give
 * it.
 */
public final class ModelCosts {
  private ModelCosts() {}

  /** The cost table of the analysed model, named {@code model}. */
  public static CostTable of(String model, GraphAnalysis analysis) {
    List<CostTable.Cut> cuts = new ArrayList<>();
    for (CutPoint cut : analysis.cuts()) {
      cuts.add(
          new CostTable.Cut(
              cut.id(), cut.label(), cut.headFlops(), cut.tailFlops(), (double) cut.bits()));
    }
    return new CostTable(model, analysis.inputBits(), analysis.outputBits(), cuts);
  }
}
