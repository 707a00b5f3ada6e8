package io.bdt.gateway.twin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Actions waiting for the twin journal to be forced up to a position (the MQTT side's QoS 1
 * acknowledgements), in the order they arrived. Not thread-safe: the {@link TwinStore} calls it
 * under its lock, and runs what {@link #upTo} returns after releasing it.
 */
final class DurableWaiters {

  private record Waiter(long end, Runnable action) {}

  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

  /** Runs {@code action} once the journal is forced up to {@code end}. */
  void add(long end, Runnable action) {
    waiting.addLast(new Waiter(end, action));
  }

  int size() {
    return waiting.size();
  }

  /** Forgets every waiting action (never to run: what they wait for is not durable). */
  void clear() {
    waiting.clear();
  }

  /** Removes and returns the actions whose position is forced ({@code all}: every action). */
  List<Runnable> upTo(long forced, boolean all) {
    if (waiting.isEmpty()) {
      return List.of();
    }
    List<Runnable> ready = new ArrayList<>();
    while (!waiting.isEmpty() && (all || waiting.peekFirst().end() <= forced)) {
      ready.add(waiting.pollFirst().action());
    }
    return ready;
  }

  /** Runs {@code actions}; one failing must not keep the others (acknowledgements) from running. */
  static void run(List<Runnable> actions) {
    for (Runnable action : actions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        // logged by nobody: an acknowledgement that fails is redelivered by the broker
      }
    }
  }
}
