package io.bdt.optimizer.sim;

import io.bdt.optimizer.scenario.Deployment;
import io.bdt.optimizer.scenario.Scenario;
import io.bdt.optimizer.scenario.ScenarioFile;
import io.bdt.optimizer.scenario.SlotSource;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Scenario} as the simulator runs it: its {@link Deployment} is the environment, and its
 * seeded {@link SlotSource} gives the slot draws. The scenario's own seed places the gateways; the
 * seed passed to {@link #draws} fixes fading and tasks.
 */
public final class ScenarioSystem implements SimulatedSystem {

  private final Scenario scenario;
  private final Deployment deployment;
  private final Environment environment;

  /** The system of {@code scenario}; loads its models once. */
  public ScenarioSystem(Scenario scenario) {
    this.scenario = scenario;
    this.deployment = Deployment.of(scenario);
    this.environment =
        new Environment(
            deployment.models(),
            deployment.servingAp(),
            deployment.gatewayFlopsPerSecond(),
            deployment.apBudget(),
            deployment.initialReputation(),
            deployment.parameters(),
            deployment.inRange());
  }

  /** The system of a scenario file, or of the built-in default for {@code "default"}. */
  public static ScenarioSystem resolve(String fileOrDefault) {
    return new ScenarioSystem(ScenarioFile.resolve(fileOrDefault));
  }

  /** The scenario this system runs. */
  public Scenario scenario() {
    return scenario;
  }

  @Override
  public Environment environment() {
    return environment;
  }

  @Override
  public List<SlotDraw> draws(int slots, long seed) {
    SlotSource source = deployment.slots(seed);
    List<SlotDraw> draws = new ArrayList<>(slots);
    for (int t = 0; t < slots; t++) {
      SlotSource.Slot slot = source.slot(t);
      draws.add(new SlotDraw(slot.taskSamples(), slot.uplinkRate(), slot.inRangeRate()));
    }
    return draws;
  }

  @Override
  public int gateways() {
    return scenario.gateways();
  }

  @Override
  public double bandwidth() {
    return scenario.bandwidthHz();
  }

  @Override
  public double apBudget() {
    return scenario.apBudgetHz();
  }

  @Override
  public SimulatedSystem withGateways(int gateways) {
    return new ScenarioSystem(scenario.withGateways(gateways));
  }

  @Override
  public SimulatedSystem withBandwidth(double hertz) {
    return new ScenarioSystem(scenario.withBandwidthHz(hertz));
  }

  @Override
  public SimulatedSystem withApBudget(double hertz) {
    return new ScenarioSystem(scenario.withApBudgetHz(hertz));
  }

  @Override
  public SimulatedSystem withV(double v) {
    return new ScenarioSystem(scenario.withV(v));
  }

  @Override
  public Object description() {
    return ScenarioFile.toTree(scenario);
  }
}
