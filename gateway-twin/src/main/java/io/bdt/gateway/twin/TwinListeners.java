package io.bdt.gateway.twin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The {@link TwinStore}'s listeners, called in the order the events were recorded: each write takes
 * a ticket while it holds the store's lock, and a writer passes its event on only once every
 * earlier ticket's listeners have returned, so listeners see a twin's revisions in order even when
 * REST and MQTT write it at once.
 */
final class TwinListeners {

  private final List<Consumer<TwinEvent>> listeners = new CopyOnWriteArrayList<>();
  private long nextTicket; // guarded by the store's lock: the order events were recorded in
  private long publishedTicket; // guarded by this: events before it went to the listeners
  private int waiting; // guarded by this: writers waiting for their turn

  void add(Consumer<TwinEvent> listener) {
    listeners.add(listener);
  }

  /**
   * The next event's turn; the caller holds the store's lock, so tickets follow the record order.
   */
  long ticket() {
    return nextTicket++;
  }

  /**
   * Passes the event of {@code ticket} to the listeners once every earlier ticket's have returned
   * (null: a write that failed after recording, whose turn only passes on).
   */
  void publish(long ticket, TwinEvent event) {
    boolean interrupted = false;
    synchronized (this) {
      while (publishedTicket != ticket) {
        waiting++;
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true; // the turn must still be taken, or every later writer waits forever
        } finally {
          waiting--;
        }
      }
    }
    try {
      if (event != null) {
        listeners.forEach(l -> l.accept(event));
      }
    } finally {
      synchronized (this) {
        publishedTicket++;
        if (waiting > 0) { // one writer (the MQTT callback) mostly waits for nobody: no wake-up
          notifyAll();
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
