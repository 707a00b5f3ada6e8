package io.bdt.optimizer.sim;

import io.bdt.optimizer.dpra.SystemParameters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small system whose gateways alternate between two APs; uplink rates scale with the bandwidth.
 */
public record TinySimulatedSystem(int gateways, double bandwidth, double apBudget, double v)
    implements SimulatedSystem {

  public static TinySimulatedSystem standard() {
    return new TinySimulatedSystem(4, 1e7, 2e9, 10);
  }

  @Override
  public Environment environment() {
    int[] serving = new int[gateways];
    double[] flops = new double[gateways];
    for (int n = 0; n < gateways; n++) {
      serving[n] = n % 2;
      flops[n] = 1.2e9;
    }
    SystemParameters p = TinySystem.PARAMETERS;
    return new Environment(
        Collections.nCopies(gateways, TinySystem.MODEL),
        serving,
        flops,
        new double[] {apBudget, apBudget},
        new double[] {0.5, 0.5},
        new SystemParameters(
            v,
            p.apFlopsPerCycle(),
            p.cyclesPerHash(),
            p.baseDifficulty(),
            p.eta(),
            p.omega(),
            p.rMin(),
            p.consensusOverheadSeconds()));
  }

  @Override
  public List<SlotDraw> draws(int slots, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<SlotDraw> draws = new ArrayList<>();
    for (int t = 0; t < slots; t++) {
      int[] tasks = new int[gateways];
      double[] rates = new double[gateways];
      for (int n = 0; n < gateways; n++) {
        tasks[n] = random.nextInt(4);
        rates[n] = bandwidth * Math.pow(10, random.nextDouble());
      }
      draws.add(new SlotDraw(tasks, rates));
    }
    return draws;
  }

  @Override
  public SimulatedSystem withGateways(int gateways) {
    return new TinySimulatedSystem(gateways, bandwidth, apBudget, v);
  }

  @Override
  public SimulatedSystem withBandwidth(double hertz) {
    return new TinySimulatedSystem(gateways, hertz, apBudget, v);
  }

  @Override
  public SimulatedSystem withApBudget(double hertz) {
    return new TinySimulatedSystem(gateways, bandwidth, hertz, v);
  }

  @Override
  public SimulatedSystem withV(double v) {
    return new TinySimulatedSystem(gateways, bandwidth, apBudget, v);
  }

  @Override
  public Object description() {
    return Map.of("name", "tiny", "gateways", gateways);
  }
}
