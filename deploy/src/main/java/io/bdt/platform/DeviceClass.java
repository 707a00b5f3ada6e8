package io.bdt.platform;

import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.dnn.vibration.VibrationModel;
import io.bdt.dnn.zoo.MobileNetV2;

/**
 * A kind of simulated device and the registered model its gateway runs on its windows
 * (docs/platform.md, "Device classes"): a vibration sensor sends one accelerometer window of the
 * vibration classifier's input length per message, a camera one 8-bit RGB frame of MobileNetV2's
 * input size.
 */
enum DeviceClass {
  /** Accelerometer windows for the vibration classifier (0.7 MFLOP per window). */
  VIBRATION("vib", VibrationModel.MODEL_ID, VibrationGenerator.WINDOW),
  /** Camera frames for MobileNetV2 (0.62 GFLOP per frame). */
  CAMERA("cam", "mobilenetv2", MobileNetV2.CHANNELS * MobileNetV2.SIDE * MobileNetV2.SIDE);

  private final String idPrefix;
  private final String model;
  private final int valuesPerWindow;

  DeviceClass(String idPrefix, String model, int valuesPerWindow) {
    this.idPrefix = idPrefix;
    this.model = model;
    this.valuesPerWindow = valuesPerWindow;
  }

  /** The device ids' prefix: {@code vib-3}, {@code cam-2}. */
  String idPrefix() {
    return idPrefix;
  }

  /** The registered model ({@code bdt.gateway.inference.model}, one of {@code bdt.ap.models}). */
  String model() {
    return model;
  }

  /** Values in one message: one input sample of {@link #model}. */
  int valuesPerWindow() {
    return valuesPerWindow;
  }
}
