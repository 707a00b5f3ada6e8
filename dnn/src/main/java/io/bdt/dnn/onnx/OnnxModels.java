package io.bdt.dnn.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    return model;
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
