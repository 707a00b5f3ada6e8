package io.bdt.dnn.vibration;

import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.zoo.ZooModel;

/**
 * The vibration-fault classifier as a zoo entry: building it trains it with {@link
 * VibrationModel#DEFAULT_SEED} (a few seconds), so the zoo never ships a binary.
 */
public final class VibrationZooModel implements ZooModel {

  @Override
  public String name() {
    return VibrationModel.MODEL_ID;
  }

  @Override
  public String description() {
    return "vibration-fault classifier: 1024-sample accelerometer window -> "
        + VibrationModel.labels()
        + " (spectral front end + MLP trained in Java, seed "
        + VibrationModel.DEFAULT_SEED
        + ")";
  }

  @Override
  public ModelProto build() {
    return Trained.MODEL;
  }

  /** Trains on first use only: the model is the same every time, and training takes seconds. */
  private static final class Trained {
    static final ModelProto MODEL = VibrationModel.train(VibrationModel.DEFAULT_SEED).toOnnx();
  }
}
