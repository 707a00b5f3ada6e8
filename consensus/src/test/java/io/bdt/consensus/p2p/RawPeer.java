package io.bdt.consensus.p2p;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.tuweni.bytes.Bytes32;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.web3j.crypto.ECKeyPair;

/**
 * A hand-driven peer for protocol tests: speaks the handshake step by step and can send anything,
 * including data a real node never sends. Records what the node answers and how it closed.
 */
final class RawPeer extends WebSocketClient {
  static final String LISTEN = "ws://127.0.0.1:9";
  final ObjectMapper json = new ObjectMapper();
  final BlockingQueue<Envelope> received = new LinkedBlockingQueue<>();
  final CountDownLatch closed = new CountDownLatch(1);
  volatile int closeCode;
  volatile String closeReason;

  private RawPeer(URI uri) {
    super(uri);
  }

  static RawPeer open(URI node) throws InterruptedException {
    return open(node, PeerNetwork.PATH);
  }

  static RawPeer open(URI node, String path) throws InterruptedException {
    RawPeer p = new RawPeer(node.resolve(path));
    p.connectBlocking(10, TimeUnit.SECONDS);
    return p;
  }

  void send(Envelope e) throws Exception {
    send(json.writeValueAsString(e));
  }

  /** The node's next message of {@code type}; fails after 30 s. */
  Envelope next(String type) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      Envelope e = received.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && e.type().equals(type)) {
        return e;
      }
      if (e == null && closed.getCount() == 0) {
        throw new AssertionError("closed " + closeCode + " " + closeReason + " before " + type);
      }
    }
    throw new AssertionError("no " + type + " from the node");
  }

  static Hello hello(long chainId, String genesis) {
    return new Hello(
        PeerNetwork.VERSION, chainId, genesis, 0, genesis, Bytes32.random().toHexString());
  }

  /** Completes the handshake as {@code key}: hello, then auth of the node's nonce. */
  void handshake(ECKeyPair key, long chainId, String genesis) throws Exception {
    send(Envelope.sign("hello", 0, hello(chainId, genesis).payload(), LISTEN, key));
    Hello theirs = Hello.parse(next("hello").payload());
    send(Envelope.sign("auth", 0, theirs.nonce(), LISTEN, key));
    next("auth");
  }

  /** The close code, waiting for the node to close the connection (at most 30 s). */
  int awaitClose() throws InterruptedException {
    if (!closed.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the node did not close the connection");
    }
    return closeCode;
  }

  @Override
  public void onOpen(ServerHandshake handshake) {}

  @Override
  public void onMessage(String message) {
    try {
      received.add(json.readValue(message, Envelope.class));
    } catch (Exception e) {
      throw new AssertionError("node sent a malformed message: " + message, e);
    }
  }

  @Override
  public void onMessage(ByteBuffer bytes) {
    throw new AssertionError("node sent a binary frame");
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    closeCode = code;
    closeReason = reason;
    closed.countDown();
  }

  @Override
  public void onError(Exception ex) {}
}
