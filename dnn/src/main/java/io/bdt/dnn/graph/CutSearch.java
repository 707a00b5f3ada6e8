package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the cut points of an analysed graph: the topological order of its compute nodes and the
 * positions crossed by at most {@code maxCutTensors} tensors, with each cut's FLOPs and bits
 * ({@link GraphAnalyzer} explains the rule).
 */
final class CutSearch {

  private CutSearch() {}

  static List<CutPoint> findCuts(
      List<Layer> layers,
      List<TensorInfo> inputs,
      List<TensorInfo> outputs,
      Map<String, TensorInfo> tensors,
      Set<String> fixed,
      long batch,
      int maxCutTensors) {
    int n = layers.size();
    Map<String, Integer> lastUse = new HashMap<>();
    for (int p = 0; p < n; p++) {
      for (String in : NodeInputs.of(layers.get(p).node())) {
        if (!fixed.contains(in)) {
          lastUse.put(in, p);
        }
      }
    }
    for (TensorInfo out : outputs) {
      lastUse.put(out.name(), n);
    }
    long[] prefix = new long[n + 1];
    for (int p = 0; p < n; p++) {
      prefix[p + 1] = prefix[p] + layers.get(p).flops();
    }

    LinkedHashSet<String> live = new LinkedHashSet<>();
    for (TensorInfo in : inputs) {
      if (lastUse.containsKey(in.name())) {
        live.add(in.name());
      }
    }
    List<CutPoint> cuts = new ArrayList<>();
    Set<Set<String>> seen = new HashSet<>();
    for (int p = 0; p <= n; p++) {
      boolean boundary = p == 0 || p == n;
      if ((boundary || (live.size() <= maxCutTensors && allCrossable(live, tensors)))
          && seen.add(Set.copyOf(live))) {
        List<TensorInfo> crossing =
            live.stream().map(name -> crossingAs(tensors.get(name), boundary, inputs)).toList();
        long bits =
            p == n
                ? 0
                : crossing.stream().filter(TensorInfo::crossable).mapToLong(TensorInfo::bits).sum()
                    / batch;
        cuts.add(
            new CutPoint(
                cuts.size(),
                p,
                crossing,
                prefix[p] / batch,
                (prefix[n] - prefix[p]) / batch,
                bits));
      }
      if (p == n) {
        break;
      }
      NodeProto node = layers.get(p).node();
      for (String in : NodeInputs.of(node)) {
        Integer last = lastUse.get(in);
        if (last != null && last == p) {
          live.remove(in);
        }
      }
      for (String out : node.getOutputList()) {
        Integer last = lastUse.get(out);
        if (last != null && last > p) {
          live.add(out);
        }
      }
    }
    return cuts;
  }

  /** {@code t} as it crosses: 16-bit floats of an inner cut as their {@link Fp32Carrier}. */
  private static TensorInfo crossingAs(TensorInfo t, boolean boundary, List<TensorInfo> inputs) {
    if (boundary || !Fp32Carrier.carries(t) || inputs.contains(t)) {
      return t;
    }
    return Fp32Carrier.of(t);
  }

  static boolean allCrossable(Set<String> live, Map<String, TensorInfo> tensors) {
    for (String name : live) {
      TensorInfo t = tensors.get(name);
      if (t == null || !t.crossable()) {
        return false;
      }
    }
    return true;
  }

  /** The file's node order if it is topological, else Kahn's order; rejects cycles. */
  static List<NodeProto> topologicalOrder(List<NodeProto> nodes, Set<String> available) {
    Set<String> known = new HashSet<>(available);
    boolean inOrder = true;
    for (NodeProto node : nodes) {
      for (String in : NodeInputs.of(node)) {
        if (!known.contains(in)) {
          inOrder = false;
        }
      }
      known.addAll(node.getOutputList());
    }
    if (inOrder) {
      return nodes;
    }
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).getOutputList()) {
        producer.put(out, i);
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> consumers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      consumers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : NodeInputs.of(nodes.get(i))) {
        if (available.contains(in)) {
          continue;
        }
        Integer from = producer.get(in);
        if (from == null) {
          throw new InvalidModelException(
              "node '"
                  + nodes.get(i).getName()
                  + "' uses tensor '"
                  + in
                  + "', which no node, input or initializer defines");
        }
        pending[i]++;
        consumers.get(from).add(i);
      }
    }
    ArrayDeque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<NodeProto> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(nodes.get(i));
      for (int c : consumers.get(i)) {
        if (--pending[c] == 0) {
          ready.add(c);
        }
      }
    }
    if (order.size() != nodes.size()) {
      throw new InvalidModelException("the graph has a cycle: it is not a DAG");
    }
    return order;
  }
}
