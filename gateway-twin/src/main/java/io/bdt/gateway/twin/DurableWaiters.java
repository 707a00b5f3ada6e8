package io.bdt.gateway.twin;

import java.util.ArrayDeque;

/**
 * Actions waiting for the twin journal to be forced up to a position (the MQTT side's QoS 1
 * acknowledgements), run in the order they arrived.
 *
 * <p>Two queues: the actions still waiting for their position ({@link #add}, {@link #release};
 * guarded by the {@link TwinStore}'s lock, which calls them under it), and the released actions,
 * which {@link #runReleased} runs outside that lock, one thread at a time in release order. The
 * second queue is what keeps acknowledgements in order: without it, an action whose position was
 * already forced would run at once on its caller's thread while the flush thread was still running
 * earlier actions it had released, and a PUBACK would overtake the ones before it.
 */
final class DurableWaiters {

  private record Waiter(long end, Runnable action) {}

  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(); // guarded by the store's lock
  private final ArrayDeque<Runnable> released = new ArrayDeque<>(); // guarded by itself
  private boolean running; // guarded by released: a thread is in runReleased's loop

  /** Runs {@code action} once the journal is forced up to {@code end}. */
  void add(long end, Runnable action) {
    waiting.addLast(new Waiter(end, action));
  }

  /** Actions still waiting for their position. */
  int size() {
    return waiting.size();
  }

  /** Forgets every waiting action (never to run: what they wait for is not durable). */
  void clear() {
    waiting.clear();
  }

  /**
   * Moves the actions whose position is forced ({@code all}: every action) behind those already
   * released, for {@link #runReleased}. Called under the store's lock, so releases keep the order
   * of the journal.
   */
  void release(long forced, boolean all) {
    synchronized (released) {
      while (!waiting.isEmpty() && (all || waiting.peekFirst().end() <= forced)) {
        released.addLast(waiting.pollFirst().action());
      }
    }
  }

  /** Releases {@code action} at once, behind those already released; under the store's lock. */
  void releaseNow(Runnable action) {
    synchronized (released) {
      released.addLast(action);
    }
  }

  /**
   * Runs the released actions in order, unless another thread already does (it then runs these too
   * before it stops). Called without the store's lock; one failing action must not keep the others
   * (acknowledgements) from running.
   */
  void runReleased() {
    synchronized (released) {
      if (running) {
        return;
      }
      running = true;
    }
    while (true) {
      Runnable action;
      synchronized (released) {
        action = released.pollFirst();
        if (action == null) {
          running = false;
          return;
        }
      }
      try {
        action.run();
      } catch (RuntimeException e) {
        // logged by nobody: an acknowledgement that fails is redelivered by the broker
      }
    }
  }
}
