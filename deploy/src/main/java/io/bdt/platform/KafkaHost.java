package io.bdt.platform;

import java.util.concurrent.CountDownLatch;

/**
 * The Kafka host of {@code ./bdt platform --hosts netns}: the platform's {@link KafkaBroker} as a
 * process of its own, run in its namespace host under the name the overlay's gateways bootstrap
 * from (Strimzi's {@code bdt-kafka-bootstrap}); it runs until terminated. Arguments: the advertised
 * host name, the client port and the controller port.
 */
public final class KafkaHost {
  private KafkaHost() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3 || !args[1].matches("\\d{1,5}") || !args[2].matches("\\d{1,5}")) {
      System.err.println("usage: KafkaHost ADVERTISED-HOST PORT CONTROLLER-PORT");
      System.exit(2);
    }
    KafkaBroker broker =
        new KafkaBroker(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                }));
    System.out.println("kafka: ready at " + broker.bootstrapServers());
    stopped.await();
  }
}
