package io.perfkit.core.memory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Deterministic test records and helpers shared by the MappedLog tests and the writer process. */
final class LogRecords {
  private LogRecords() {}

  /** Record {@code i}: a length derived from i, bytes derived from i and their index. */
  static byte[] record(long i, int maxLength) {
    int length = (int) ((i * 37) % (maxLength + 1));
    byte[] bytes = new byte[length];
    for (int k = 0; k < length; k++) {
      bytes[k] = (byte) (i * 31 + k);
    }
    if (length >= 8) {
      for (int k = 0; k < 8; k++) {
        bytes[k] = (byte) (i >>> (8 * k));
      }
    }
    return bytes;
  }

  /** Reads every record from the log's start. */
  static List<byte[]> readAll(MappedLog log) {
    List<byte[]> out = new ArrayList<>();
    try (MappedLog.Reader reader = log.reader(log.startPosition())) {
      for (byte[] r = reader.next(); r != null; r = reader.next()) {
        out.add(r);
      }
    }
    return out;
  }

  static List<byte[]> reopenAndReadAll(java.nio.file.Path dir) throws IOException {
    try (MappedLog log = MappedLog.open(dir)) {
      return readAll(log);
    }
  }
}
