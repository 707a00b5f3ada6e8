package io.bdt.consensus.rpc;

/** A JSON-RPC 2.0 error: code, message, and optional data (hex string, e.g. revert data). */
public final class RpcException extends RuntimeException {
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;

  /** geth's code for a rejected transaction or failed call. */
  public static final int SERVER_ERROR = -32000;

  /** geth's code for a request that ran past its time limit. */
  public static final int TIMEOUT = -32002;

  /** EIP-1474's code for a request over a size or gas limit. */
  public static final int LIMIT_EXCEEDED = -32005;

  /** geth's code for "execution reverted", with the revert data. */
  public static final int EXECUTION_REVERTED = 3;

  private final int code;
  private final String data;

  public RpcException(int code, String message) {
    this(code, message, null);
  }

  public RpcException(int code, String message, String data) {
    super(message);
    this.code = code;
    this.data = data;
  }

  public int code() {
    return code;
  }

  /** Error data, or null. */
  public String data() {
    return data;
  }

  /** Invalid params naming the parameter and the rule. */
  public static RpcException invalidParams(String message) {
    return new RpcException(INVALID_PARAMS, message);
  }
}
