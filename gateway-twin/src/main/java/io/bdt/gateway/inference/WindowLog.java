package io.bdt.gateway.inference;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The inference windows that have no result yet, on disk, so a gateway killed while windows wait
 * for a slot (or run in one) finds them again when it restarts. A closed window is appended ({@link
 * #append}, forced by {@link #sync}); a window whose result is in its twin, or that was dropped, is
 * marked done ({@link #done}). Opening the log replays it: the windows not done, in order; a record
 * torn by a crash at the end is left out (it was never synced, so its message was never
 * acknowledged and the broker sends it again). The file is rewritten with only the open windows
 * when it opens and after every {@link #COMPACT_AFTER} records beyond them.
 *
 * <p>Records: {@code 'W'}, id, device id, closedAt (epoch seconds, nanos), sample count, samples;
 * {@code 'D'}, id. Not thread-safe: {@link SensorWindows} calls it under its own lock.
 */
final class WindowLog implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WindowLog.class);

  /** The file is compacted once it holds this many records more than the open windows. */
  static final int COMPACT_AFTER = 4096;

  private static final byte WINDOW = 'W';
  private static final byte DONE = 'D';

  private final Path path;
  private final Map<Long, SensorWindow> open = new LinkedHashMap<>();
  private final Map<SensorWindow, Long> ids = new IdentityHashMap<>();
  private FileOutputStream file;
  private DataOutputStream out;
  private long nextId;
  private int records;
  private boolean dirty;

  /** Opens (or creates) the log at {@code path} and replays it; see {@link #replayed}. */
  WindowLog(Path path) throws IOException {
    this.path = path;
    Files.createDirectories(path.toAbsolutePath().getParent());
    if (Files.exists(path)) {
      replay();
    }
    rewrite();
    if (!open.isEmpty()) {
      LOG.infof("inference windows %s: %d without a result replayed", path, open.size());
    }
  }

  /** The windows without a result found when the log opened, oldest first. */
  List<SensorWindow> replayed() {
    return List.copyOf(open.values());
  }

  /** Appends {@code window} (on disk after the next {@link #sync}). */
  void append(SensorWindow window) throws IOException {
    long id = nextId++;
    write(out, id, window);
    open.put(id, window);
    ids.put(window, id);
    records++;
    dirty = true;
  }

  /** Marks {@code window} done (a result, or dropped); unknown windows are ignored. */
  void done(SensorWindow window) throws IOException {
    Long id = ids.remove(window);
    if (id == null) {
      return;
    }
    open.remove(id);
    out.writeByte(DONE);
    out.writeLong(id);
    records++;
    dirty = true;
    if (records >= open.size() + COMPACT_AFTER) {
      rewrite();
    }
  }

  /** Forces what was appended since the last sync to disk. */
  void sync() throws IOException {
    if (dirty) {
      out.flush();
      file.getChannel().force(false);
      dirty = false;
    }
  }

  /** Windows appended and not done. */
  int open() {
    return open.size();
  }

  private void replay() throws IOException {
    try (InputStream raw = Files.newInputStream(path);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
      while (true) {
        int kind = in.read();
        if (kind < 0) {
          return;
        }
        try {
          long id = in.readLong();
          if (kind == WINDOW) {
            String device = in.readUTF();
            Instant closedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            float[] samples = new float[in.readInt()];
            for (int i = 0; i < samples.length; i++) {
              samples[i] = in.readFloat();
            }
            open.put(id, new SensorWindow(device, samples, closedAt));
          } else if (kind == DONE) {
            open.remove(id);
          } else {
            LOG.errorf("inference windows %s: unknown record %d, the rest left out", path, kind);
            return;
          }
          nextId = Math.max(nextId, id + 1);
        } catch (EOFException e) {
          LOG.warnf("inference windows %s: a record torn at the end, left out", path);
          return;
        }
      }
    }
  }

  /** Writes the open windows to a new file and switches to it. */
  private void rewrite() throws IOException {
    close();
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileOutputStream f = new FileOutputStream(tmp.toFile());
        DataOutputStream d = new DataOutputStream(new BufferedOutputStream(f))) {
      for (Map.Entry<Long, SensorWindow> e : open.entrySet()) {
        write(d, e.getKey(), e.getValue());
      }
      d.flush();
      f.getChannel().force(false);
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    ids.clear();
    open.forEach((id, w) -> ids.put(w, id));
    records = open.size();
    file = new FileOutputStream(path.toFile(), true);
    out = new DataOutputStream(new BufferedOutputStream(file, 64 * 1024));
    dirty = false;
  }

  private static void write(DataOutputStream d, long id, SensorWindow w) throws IOException {
    d.writeByte(WINDOW);
    d.writeLong(id);
    d.writeUTF(w.deviceId());
    d.writeLong(w.closedAt().getEpochSecond());
    d.writeInt(w.closedAt().getNano());
    d.writeInt(w.samples().length);
    for (float s : w.samples()) {
      d.writeFloat(s);
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.flush();
      file.getChannel().force(false);
      out.close();
      out = null;
    }
  }
}
