package io.bdt.gateway.service;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.vibration.MachineState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal real access point for tests: serves the AP protocol over HTTP, runs the tail of the
 * offloaded cut in ONNX Runtime (split by the dnn module from the gateway's cached model) and keeps
 * the receipts it is handed.
 */
final class TestAccessPoint implements AutoCloseable {

  static final String ADDRESS = "0x00000000000000000000000000000000000000a1";
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> receipts = new CopyOnWriteArrayList<>();
  final List<Integer> cuts = new CopyOnWriteArrayList<>();
  final List<Double> miningShares = new CopyOnWriteArrayList<>();
  volatile double queue = 5.0;

  /**
   * Fault injection (a fake fault, named as such): while set, {@code /offload} drops the connection
   * without an answer, as an AP killed mid-offload does; {@code /status} still answers, so the
   * gateway decides to offload and learns of the failure only from the offload itself.
   */
  volatile boolean dropOffloads;

  /**
   * The offload (counted from 1) during which this AP is killed, or 0: the server stops at once,
   * the request in progress is cut off unanswered and every later connection is refused.
   */
  volatile int killAtOffload;

  /** The task id of the offload it was killed during, once it has been. */
  volatile String killedDuringTask;

  /** Task ids of the offloads this AP answered. */
  final List<String> served = new CopyOnWriteArrayList<>();

  private final java.util.concurrent.atomic.AtomicInteger offloads =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Whether the AP runs the slot coordinator: while set, {@code /coordinator/demand} answers the
   * real joint DPRA decision of the slot (this one AP, the demands of each call); while not, it
   * drops the connection without an answer, as a stopped coordinator does.
   */
  volatile boolean coordinating;

  /** The policy {@code /status} says the coordinator decides with. */
  volatile String policy = "DPRA";

  /** Demands the coordinator decided. */
  final List<JsonNode> demands = new CopyOnWriteArrayList<>();

  private final io.bdt.optimizer.joint.JointSlot joint =
      new io.bdt.optimizer.joint.JointSlot(
          io.bdt.optimizer.dpra.SystemParameters.of(
              io.bdt.parameters.ChainParameters.NEW_NETWORK, 10));

  private final HttpServer server;
  private final Path modelFile;
  private GraphAnalysis analysis;

  TestAccessPoint(Path modelFile) throws IOException {
    this.modelFile = modelFile;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/status", this::status);
    server.createContext("/offload", this::offload);
    server.createContext("/receipts", this::receipt);
    server.createContext("/coordinator/demand", this::demand);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void status(HttpExchange exchange) throws IOException {
    if (!proven(exchange, "", new byte[0])) {
      respond(exchange, 401, "{\"error\":\"unproven gateway request\"}");
      return;
    }
    respond(
        exchange,
        200,
        JSON.createObjectNode()
            .put("ap", ADDRESS)
            .put("budget", 2.0e10)
            .put("queue", queue)
            .put("reputation", 0.2)
            .put("inferenceShare", 0)
            .put("miningShare", 2.0e10)
            .put("coordinatorPolicy", policy)
            .toString());
  }

  /**
   * Whether the request carries the gateway's valid proof for this AP (the real AP's check, less
   * the chain lookup and the replay window).
   */
  private static boolean proven(HttpExchange exchange, String audience, byte[] body) {
    var h = exchange.getRequestHeaders();
    try {
      var proof =
          new io.bdt.contracts.gateway.GatewayRequestProof(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              audience,
              io.bdt.contracts.gateway.GatewayRequestProof.sha256(body),
              Long.parseLong(h.getFirst("X-Bdt-Timestamp")),
              h.getFirst("X-Bdt-Nonce"));
      return proof
          .signer(h.getFirst("X-Bdt-Signature"))
          .equalsIgnoreCase(h.getFirst("X-Bdt-Gateway"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private synchronized void offload(HttpExchange exchange) throws IOException {
    if (offloads.incrementAndGet() == killAtOffload) {
      exchange.getRequestBody().readAllBytes();
      killedDuringTask = exchange.getRequestHeaders().getFirst("X-Bdt-Task-Id");
      Thread.ofPlatform().start(() -> server.stop(0)); // not on the server's own thread
      exchange.close();
      return;
    }
    if (dropOffloads) {
      exchange.getRequestBody().readAllBytes();
      exchange.close(); // no status line, no body: the connection just ends
      return;
    }
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (!proven(exchange, ADDRESS, body)) {
        respond(exchange, 401, "{\"error\":\"unproven gateway request\"}");
        return;
      }
      Frame frame = FrameCodec.decode(body);
      if (analysis == null) {
        analysis = GraphAnalyzer.analyze(OnnxModels.read(modelFile), Map.of());
      }
      if (!frame.modelHash().equals(ModelHash.of(analysis.model()))) {
        // as the real AP answers a model it has under another hash (docs/access-point.md)
        respond(
            exchange,
            400,
            JSON.createObjectNode()
                .put("error", "model: '" + frame.modelId() + "' " + frame.modelHash() + " differs")
                .put("reason", "MODEL_MISMATCH")
                .toString());
        return;
      }
      cuts.add(frame.cut());
      String mining = exchange.getRequestHeaders().getFirst("X-Bdt-Mining-Share");
      if (mining != null) { // a local decision's; the coordinator's is set on the AP
        miningShares.add(Double.parseDouble(mining));
      }
      var tail = ModelSplitter.split(analysis, frame.cut()).tail();
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      long start = System.nanoTime();
      try (OrtSession session = env.createSession(tail.toByteArray())) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        for (Tensor t : frame.tensors()) {
          long[] shape = new long[t.shape().length];
          for (int i = 0; i < shape.length; i++) {
            shape[i] = t.shape()[i];
          }
          inputs.put(t.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.values()), shape));
        }
        try (OrtSession.Result result = session.run(inputs)) {
          float[] p = ((float[][]) result.get(0).getValue())[0];
          int best = 0;
          var json = JSON.createObjectNode();
          var array = json.putArray("probabilities");
          for (int i = 0; i < p.length; i++) {
            array.add(p[i]);
            best = p[i] > p[best] ? i : best;
          }
          json.put("taskId", exchange.getRequestHeaders().getFirst("X-Bdt-Task-Id"));
          json.put("label", MachineState.ORDER.get(best).label());
          json.put("tailFlops", analysis.cut(frame.cut()).tailFlops());
          json.put("apSeconds", (System.nanoTime() - start) / 1e9);
          respond(exchange, 200, json.toString());
          served.add(exchange.getRequestHeaders().getFirst("X-Bdt-Task-Id"));
        } finally {
          inputs.values().forEach(OnnxTensor::close);
        }
      }
    } catch (Exception e) {
      respond(exchange, 400, JSON.createObjectNode().put("error", e.toString()).toString());
    }
  }

  private synchronized void demand(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (!coordinating) {
      exchange.close();
      return;
    }
    if (!proven(exchange, ADDRESS, body)) {
      respond(exchange, 401, "{\"error\":\"unproven gateway request\"}");
      return;
    }
    try {
      JsonNode d = JSON.readTree(body);
      if (analysis == null) {
        analysis = GraphAnalyzer.analyze(OnnxModels.read(modelFile), Map.of());
      }
      List<io.bdt.optimizer.cost.CostTable.Cut> cuts = new java.util.ArrayList<>();
      for (var c : analysis.cuts()) {
        cuts.add(
            new io.bdt.optimizer.cost.CostTable.Cut(
                c.id(), c.label(), c.headFlops(), c.tailFlops(), (double) c.bits()));
      }
      var demand =
          new io.bdt.optimizer.joint.GatewayDemand(
              exchange.getRequestHeaders().getFirst("X-Bdt-Gateway"),
              d.get("samples").asInt(),
              new io.bdt.optimizer.cost.CostTable(
                  d.get("model").asText(), analysis.inputBits(), analysis.outputBits(), cuts),
              d.get("servingAp").asInt(),
              d.get("uplinkRate").asDouble(),
              d.get("gatewayFlopsPerSecond").asDouble());
      var a =
          joint
              .decide(
                  List.of(demand), List.of(new io.bdt.optimizer.joint.ApState(2.0e10, 0.2, queue)))
              .assignments()
              .getFirst();
      demands.add(d);
      respond(
          exchange,
          200,
          JSON.createObjectNode()
              .put("slot", d.get("slot").asLong())
              .put("cut", a.cut())
              .put("servingAp", a.servingAp())
              .put("inferenceShare", a.inferenceShare())
              .put("miningShare", a.miningShare())
              .put("predictedSecondsPerSample", a.predictedSecondsPerSample())
              .put("gateways", a.gateways())
              .put("coordinator", ADDRESS)
              .toString());
    } catch (Exception e) {
      respond(exchange, 400, JSON.createObjectNode().put("error", e.toString()).toString());
    }
  }

  private void receipt(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (!proven(exchange, ADDRESS, body)) {
      respond(exchange, 401, "{\"error\":\"unproven gateway request\"}");
      return;
    }
    receipts.add(JSON.readTree(body));
    respond(exchange, 202, "{}");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
