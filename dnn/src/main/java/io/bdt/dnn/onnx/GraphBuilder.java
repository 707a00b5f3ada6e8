package io.bdt.dnn.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.bdt.dnn.onnx.proto.Onnx.AttributeProto;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.OperatorSetIdProto;
import io.bdt.dnn.onnx.proto.Onnx.StringStringEntryProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorShapeProto;
import io.bdt.dnn.onnx.proto.Onnx.TypeProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an ONNX model (graph inputs, initializers, nodes, outputs, opset import) in Java.
 *
 * <p>Every node is appended in call order, which must be a topological order (as exporters emit
 * it). Tensor names must be unique; the builder rejects a second tensor with the same name.
 * Initializers are stored as little-endian {@code raw_data} without an extra copy, so models of
 * hundreds of MB (VGG-16) build in one pass.
 *
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("tiny");
 * String x = g.input("x", 1, 4);
 * String w = g.initializer("w", new float[] {...}, 3, 4);
 * String y = g.node("Gemm", "fc", List.of(x, w), GraphBuilder.intAttr("transB", 1));
 * g.output(y, 1, 3);
 * g.write(Path.of("tiny.onnx"));
 * }</pre>
 */
public final class GraphBuilder {

  /** The ONNX operator set version the builder imports unless told otherwise. */
  public static final int DEFAULT_OPSET = 17;

  /** IR version 8 is the oldest that every opset up to 17 may use and ONNX Runtime reads. */
  public static final int DEFAULT_IR_VERSION = 8;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();
  private final int opset;
  private String producer = "b-dt";
  private final Map<String, String> metadata = new LinkedHashMap<>();

  /** A builder for a graph named {@code name} importing opset {@link #DEFAULT_OPSET}. */
  public GraphBuilder(String name) {
    this(name, DEFAULT_OPSET);
  }

  /** A builder for a graph named {@code name} importing the default-domain opset {@code opset}. */
  public GraphBuilder(String name, int opset) {
    if (opset < 11) {
      throw new IllegalArgumentException("opset must be 11 or newer, was " + opset);
    }
    graph.setName(name);
    this.opset = opset;
  }

  /** Sets the model's producer_name (default {@code b-dt}). */
  public GraphBuilder producer(String producerName) {
    this.producer = producerName;
    return this;
  }

  /** Sets the model's metadata property {@code key} (ONNX {@code metadata_props}). */
  public GraphBuilder metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Adds a float graph input with fixed dims; returns its name. */
  public String input(String name, long... dims) {
    return input(name, shape(box(dims)));
  }

  /**
   * Adds a float graph input whose shape may hold symbolic dims (see {@link #shape(Object...)});
   * returns its name.
   */
  public String input(String name, TensorShapeProto shape) {
    claim(name);
    graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT, shape));
    return name;
  }

  /** Adds a graph input of element type {@code type} with fixed dims; returns its name. */
  public String input(String name, TensorProto.DataType type, long... dims) {
    claim(name);
    graph.addInput(valueInfo(name, type, shape(box(dims))));
    return name;
  }

  /** Declares a graph output with fixed dims (float); returns its name. */
  public String output(String name, long... dims) {
    return output(name, shape(box(dims)));
  }

  /** Declares a float graph output with the given shape; returns its name. */
  public String output(String name, TensorShapeProto shape) {
    graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT, shape));
    return name;
  }

  /** Declares a graph output without shape (left to shape inference); returns its name. */
  public String output(String name) {
    graph.addOutput(
        ValueInfoProto.newBuilder()
            .setName(name)
            .setType(
                TypeProto.newBuilder()
                    .setTensorType(
                        TypeProto.Tensor.newBuilder()
                            .setElemType(TensorProto.DataType.FLOAT_VALUE))));
    return name;
  }

  /** Records the shape of an intermediate tensor in the graph's value_info. */
  public void valueInfo(String name, long... dims) {
    graph.addValueInfo(valueInfo(name, TensorProto.DataType.FLOAT, shape(box(dims))));
  }

  /** Adds a float initializer (row-major {@code data}, {@code dims}); returns its name. */
  public String initializer(String name, float[] data, long... dims) {
    checkCount(name, data.length, dims);
    ByteBuffer bytes =
        ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(data);
    return initializer(
        name, TensorProto.DataType.FLOAT, UnsafeByteOperations.unsafeWrap(bytes), dims);
  }

  /**
   * Adds a float initializer whose {@code count(dims)} values come from {@code values} in row-major
   * order, written straight into the raw bytes (no intermediate {@code float[]}, which matters for
   * the 400 MB fully-connected layers of VGG-16); returns its name.
   */
  public String initializer(String name, java.util.function.DoubleSupplier values, long... dims) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    if (count * Float.BYTES > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("initializer " + name + " is over 2 GB");
    }
    ByteBuffer bytes =
        ByteBuffer.allocate((int) count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    java.nio.FloatBuffer floats = bytes.asFloatBuffer();
    for (int i = 0; i < count; i++) {
      floats.put(i, (float) values.getAsDouble());
    }
    return initializer(
        name, TensorProto.DataType.FLOAT, UnsafeByteOperations.unsafeWrap(bytes), dims);
  }

  /** Adds an int64 initializer (e.g. a Reshape target shape); returns its name. */
  public String initializer(String name, long[] data, long... dims) {
    checkCount(name, data.length, dims);
    ByteBuffer bytes = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(data);
    return initializer(
        name, TensorProto.DataType.INT64, UnsafeByteOperations.unsafeWrap(bytes), dims);
  }

  private String initializer(String name, TensorProto.DataType type, ByteString raw, long... dims) {
    claim(name);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t.setRawData(raw));
    return name;
  }

  /** Appends a single-output node; its output tensor is named after the node. */
  public String node(
      String opType, String name, List<String> inputs, AttributeProto... attributes) {
    return node(opType, name, inputs, List.of(name), attributes).get(0);
  }

  /** Appends a node with the given output tensor names; returns them. */
  public List<String> node(
      String opType,
      String name,
      List<String> inputs,
      List<String> outputs,
      AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(name);
    n.addAllInput(inputs);
    for (String out : outputs) {
      claim(out);
      n.addOutput(out);
    }
    n.addAllAttribute(Arrays.asList(attributes));
    graph.addNode(n);
    return List.copyOf(outputs);
  }

  /** The model built so far. */
  public ModelProto build() {
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(DEFAULT_IR_VERSION)
            .setProducerName(producer)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
            .setGraph(graph.build());
    metadata.forEach(
        (key, value) ->
            model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    return model.build();
  }

  /** Builds the model and writes it to {@code file}. */
  public ModelProto write(java.nio.file.Path file) throws java.io.IOException {
    ModelProto model = build();
    OnnxModels.write(model, file);
    return model;
  }

  /** An INT attribute. */
  public static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** An INTS attribute (kernel_shape, strides, pads, perm, axes). */
  public static AttributeProto intsAttr(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /** A FLOAT attribute (epsilon, alpha, beta). */
  public static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  /** A STRING attribute (auto_pad, mode). */
  public static AttributeProto stringAttr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  /** A GRAPH attribute (the {@code then_branch}/{@code else_branch} of If, the body of Loop). */
  public static AttributeProto graphAttr(String name, GraphProto value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.GRAPH)
        .setG(value)
        .build();
  }

  /** A TENSOR attribute (the {@code value} of a Constant node). */
  public static AttributeProto tensorAttr(String name, TensorProto value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(value)
        .build();
  }

  /**
   * A tensor shape from dims that are numbers (fixed) or strings (symbolic, e.g. {@code "N"} for a
   * dynamic batch).
   */
  public static TensorShapeProto shape(Object... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      switch (d) {
        case Number n -> dim.setDimValue(n.longValue());
        case String p -> dim.setDimParam(p);
        default -> throw new IllegalArgumentException("dim must be a number or a name: " + d);
      }
      s.addDim(dim);
    }
    return s.build();
  }

  /** A value_info entry for a tensor of element type {@code type} and shape {@code shape}. */
  public static ValueInfoProto valueInfo(
      String name, TensorProto.DataType type, TensorShapeProto shape) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  private void claim(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("tensor name must not be empty");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("tensor name already used in this graph: " + name);
    }
  }

  private static void checkCount(String name, int length, long... dims) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    if (count != length) {
      throw new IllegalArgumentException(
          "initializer "
              + name
              + " has "
              + length
              + " values but dims "
              + Arrays.toString(dims)
              + " hold "
              + count);
    }
  }

  private static Object[] box(long... dims) {
    List<Object> boxed = new ArrayList<>(dims.length);
    for (long d : dims) {
      boxed.add(d);
    }
    return boxed.toArray();
  }
}
