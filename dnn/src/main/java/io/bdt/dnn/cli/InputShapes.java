package io.bdt.dnn.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the {@code --input NAME=DIMS} options of the dnn commands into shapes by input name. */
public final class InputShapes {

  private InputShapes() {}

  /**
   * Shapes by input name from {@code NAME -> D1xD2x...} (or comma-separated dims).
   *
   * @throws IllegalArgumentException naming the option and the dimension that is not a positive
   *     integer
   */
  public static Map<String, List<Long>> parse(Map<String, String> specs) {
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : specs.entrySet()) {
      List<Long> dims = new ArrayList<>();
      for (String part : e.getValue().split("[x,]")) {
        long dim;
        try {
          dim = Long.parseLong(part.trim());
        } catch (NumberFormatException ex) {
          dim = 0;
        }
        if (dim < 1) {
          throw new IllegalArgumentException(
              "--input "
                  + e.getKey()
                  + "="
                  + e.getValue()
                  + ": DIMS must be positive integers joined by x, e.g. 1x3x224x224 (dimension '"
                  + part
                  + "' is not a positive integer)");
        }
        dims.add(dim);
      }
      shapes.put(e.getKey(), dims);
    }
    return shapes;
  }
}
