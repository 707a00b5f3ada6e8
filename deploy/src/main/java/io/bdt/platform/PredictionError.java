package io.bdt.platform;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prediction error of live tasks per gateway, model and cut: the median measured latency
 * against the median predicted one, {@code error = measured median / predicted median - 1}, as
 * docs/benchmarks.md states it for {@code ./bdt latency}. Per gateway because the gateways of one
 * model differ in compute class: a median over two classes is the median of neither.
 *
 * @param gateway the gateway ({@code gw2})
 * @param model the model
 * @param cut cut {@code k} of that model
 * @param tasks tasks at that cut
 * @param measuredMedianSeconds median measured latency, seconds
 * @param predictedMedianSeconds median predicted latency, seconds
 * @param coldStartTasks tasks at that cut that waited for the AP to load a tail, not in {@code
 *     tasks}: their latency carries a one-time load the slot cost does not price, so they are
 *     reported apart ({@link #coldStartMeasuredMedianSeconds}, {@link #coldStartError()})
 * @param coldStartMeasuredMedianSeconds their median measured latency, seconds (NaN: none)
 * @param coldStartPredictedMedianSeconds their median predicted latency, seconds (NaN: none)
 */
record PredictionError(
    String gateway,
    String model,
    int cut,
    int tasks,
    double measuredMedianSeconds,
    double predictedMedianSeconds,
    int coldStartTasks,
    double coldStartMeasuredMedianSeconds,
    double coldStartPredictedMedianSeconds) {

  /** The cold-start tasks' {@code measured median / predicted median - 1} (NaN: none). */
  double coldStartError() {
    return coldStartPredictedMedianSeconds > 0
        ? coldStartMeasuredMedianSeconds / coldStartPredictedMedianSeconds - 1
        : Double.NaN;
  }

  /** {@code measured median / predicted median - 1} (NaN when nothing was predicted). */
  double error() {
    return predictedMedianSeconds > 0
        ? measuredMedianSeconds / predictedMedianSeconds - 1
        : Double.NaN;
  }

  /**
   * One entry per (gateway, model, cut) of {@code tasks}, in that order, over the tasks that ran at
   * their planned cut (a failed offload that ran locally was predicted for another cut); the error
   * is over the warm tasks, the cold starts counted and measured apart.
   */
  static List<PredictionError> perCut(Collection<TaskHistory.Task> tasks) {
    Map<List<String>, Map<Integer, List<TaskHistory.Task>>> groups =
        new TreeMap<>(java.util.Comparator.comparing((List<String> k) -> String.join("/", k)));
    for (TaskHistory.Task t : tasks) {
      if (!t.ranAsPlanned()) {
        continue;
      }
      groups
          .computeIfAbsent(List.of(t.gateway(), t.model()), m -> new TreeMap<>())
          .computeIfAbsent(t.cut(), k -> new ArrayList<>())
          .add(t);
    }
    List<PredictionError> out = new ArrayList<>();
    groups.forEach(
        (gatewayModel, cuts) ->
            cuts.forEach(
                (cut, list) -> {
                  List<TaskHistory.Task> warm = list.stream().filter(t -> !t.coldStart()).toList();
                  List<TaskHistory.Task> cold =
                      list.stream().filter(TaskHistory.Task::coldStart).toList();
                  out.add(
                      new PredictionError(
                          gatewayModel.get(0),
                          gatewayModel.get(1),
                          cut,
                          warm.size(),
                          median(warm.stream().mapToDouble(TaskHistory.Task::measuredSeconds)),
                          median(warm.stream().mapToDouble(TaskHistory.Task::predictedSeconds)),
                          cold.size(),
                          median(cold.stream().mapToDouble(TaskHistory.Task::measuredSeconds)),
                          median(cold.stream().mapToDouble(TaskHistory.Task::predictedSeconds))));
                }));
    return out;
  }

  private static double median(java.util.stream.DoubleStream values) {
    double[] v = values.sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int h = v.length / 2;
    return v.length % 2 == 1 ? v[h] : (v[h - 1] + v[h]) / 2;
  }
}
