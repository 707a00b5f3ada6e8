package io.bdt.dnn.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.StringStringEntryProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes ONNX model files ({@code ModelProto} in protobuf binary form).
 *
 * <p>A file that is missing, truncated, not protobuf, or protobuf without a graph is rejected with
 * an {@link InvalidModelException} that names the file and what is wrong with it.
 */
public final class OnnxModels {

  private OnnxModels() {}

  /** Reads the model in {@code file}. */
  public static ModelProto read(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new InvalidModelException("bad file " + file + ": no such file");
    } catch (IOException e) {
      throw new InvalidModelException("bad file " + file + ": cannot read it (" + e + ")");
    }
    if (size == 0) {
      throw new InvalidModelException("bad file " + file + ": it is empty");
    }
    ModelProto model;
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream coded = CodedInputStream.newInstance(in, 1 << 16);
      coded.setSizeLimit(Integer.MAX_VALUE);
      model = ModelProto.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidModelException(
          "bad file "
              + file
              + ": not an ONNX model (protobuf parse failed: "
              + e.getMessage()
              + ")");
    } catch (IOException e) {
      throw new InvalidModelException("bad file " + file + ": cannot read it (" + e + ")");
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new InvalidModelException(
          "bad file " + file + ": not an ONNX model (it has no graph with nodes)");
    }
    return withExternalDataInline(model, file.toAbsolutePath().getParent());
  }

  /**
   * {@code model} with every initializer whose data lives in an external file (ONNX's external
   * data: {@code location}, {@code offset}, {@code length} relative to the model's folder) read
   * into the tensor, so head and tail files are self-contained. Locations must stay inside {@code
   * dir}.
   */
  static ModelProto withExternalDataInline(ModelProto model, Path dir) {
    GraphProto graph = model.getGraph();
    boolean external = false;
    for (TensorProto t : graph.getInitializerList()) {
      external |= t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }
    if (!external) {
      return model;
    }
    GraphProto.Builder inline = graph.toBuilder();
    for (int i = 0; i < inline.getInitializerCount(); i++) {
      TensorProto t = inline.getInitializer(i);
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
        inline.setInitializer(i, readExternal(t, dir));
      }
    }
    return model.toBuilder().setGraph(inline).build();
  }

  private static TensorProto readExternal(TensorProto t, Path dir) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = Long.parseLong(e.getValue());
        case "length" -> length = Long.parseLong(e.getValue());
        default -> {}
      }
    }
    if (location == null) {
      throw new InvalidModelException(
          "initializer '" + t.getName() + "' says its data is external but names no location");
    }
    Path data = dir.resolve(location).normalize();
    if (!data.startsWith(dir)) {
      throw new InvalidModelException(
          "initializer '"
              + t.getName()
              + "': external data location "
              + location
              + " points outside the model's folder");
    }
    try (FileChannel channel = FileChannel.open(data)) {
      long size = length >= 0 ? length : channel.size() - offset;
      if (offset + size > channel.size()) {
        throw new InvalidModelException(
            "initializer '"
                + t.getName()
                + "': external data file "
                + data
                + " has "
                + channel.size()
                + " bytes, fewer than offset "
                + offset
                + " + length "
                + size);
      }
      ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size));
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw new IOException("unexpected end of file");
        }
      }
      // the array is ours alone from here on, so the tensor can wrap it instead of copying it
      ByteString bytes = UnsafeByteOperations.unsafeWrap(buffer.array());
      return t.toBuilder().clearExternalData().clearDataLocation().setRawData(bytes).build();
    } catch (NoSuchFileException e) {
      throw new InvalidModelException(
          "initializer '" + t.getName() + "': external data file " + data + " does not exist");
    } catch (IOException e) {
      throw new InvalidModelException(
          "initializer '" + t.getName() + "': cannot read external data " + data + " (" + e + ")");
    }
  }

  /** Writes {@code model} to {@code file}, creating parent directories. */
  public static void write(ModelProto model, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      model.writeTo(out);
    }
  }
}
