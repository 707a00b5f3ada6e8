package io.bdt.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds the numbered files of a log (journal or outbox segments) in a directory. */
public final class NumberedFiles {

  private NumberedFiles() {}

  /**
   * The numbers of the files in {@code dir} whose name matches {@code name} (group 1 = the number),
   * ascending.
   */
  public static List<Long> in(Path dir, Pattern name) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            Matcher m = name.matcher(f.getFileName().toString());
            if (m.matches()) {
              out.add(Long.parseLong(m.group(1)));
            }
          });
    }
    out.sort(null);
    return out;
  }
}
