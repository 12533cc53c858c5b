package dev.recsys.features.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCorruptionTest {

  @TempDir
  Path dir;

  private byte[] good;
  private int headerEnd;
  private List<Object> goodValues;

  @BeforeEach
  void writeGoodFile() throws Exception {
    Path file = SnapshotRoundTripTest.writeAllKinds(dir.resolve("good.snap"));
    good = Files.readAllBytes(file);
    headerEnd = Snapshot.PREAMBLE_BYTES + ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(12) + 4;
    try (Snapshot s = Snapshot.open(file)) {
      goodValues = readEverything(s);
    }
  }

  /** Returns every id, every value of every row and the result of finding every id, as comparable objects. */
  private static List<Object> readEverything(Snapshot s) {
    List<Object> out = new ArrayList<>();
    for (int r = 0; r < s.rows(); r++) {
      out.add(s.id(r));
      out.add(s.find(SnapshotRoundTripTest.IDS.get(r)));
      out.add(Float.floatToRawIntBits(s.getFloat("score", r)));
      out.add(s.getInt("n_views", r));
      out.add(s.getLong("last_seen_ms", r));
      out.add(Arrays.toString(s.getVector("emb", r)));
      out.add(Arrays.toString(s.getIntList("recent_items", r)));
      out.add(s.getString("country", r));
    }
    return out;
  }

  private Path withBytes(byte[] bytes) throws Exception {
    return Files.write(dir.resolve("damaged.snap"), bytes);
  }

  private SnapshotFormatException openFails(byte[] bytes) throws Exception {
    Path file = withBytes(bytes);
    SnapshotFormatException e = assertThrows(SnapshotFormatException.class, () -> Snapshot.open(file).close());
    assertTrue(e.getMessage().startsWith("snapshot " + file + " "), e.getMessage());
    return e;
  }

  @Test
  void everyTruncationIsRejectedAtOpen() throws Exception {
    // Cuts after the header all fail the same length check, so a stride covers them.
    for (int length = 0; length < good.length; length += length < headerEnd + 16 ? 1 : 13) {
      openFails(Arrays.copyOf(good, length));
    }
    assertEquals("snapshot " + dir.resolve("damaged.snap") + " has 12 bytes, too few for a snapshot "
        + "(truncated or not a snapshot)", openFails(Arrays.copyOf(good, 12)).getMessage());
    assertEquals("snapshot " + dir.resolve("damaged.snap") + " header records " + good.length
        + " bytes but the file has " + (good.length - 8) + " (truncated)",
        openFails(Arrays.copyOf(good, good.length - 8)).getMessage());
  }

  @Test
  void aFlippedBitInEveryByteOfThePreambleOrHeaderIsRejectedAtOpen() throws Exception {
    for (int pos = 0; pos < headerEnd; pos++) {
      byte[] bytes = good.clone();
      bytes[pos] ^= (byte) (1 << pos % 8);
      openFails(bytes);
    }
  }

  @Test
  void namesWhatIsWrongWithMagicAndVersion() throws Exception {
    byte[] other = good.clone();
    other[0] = 'X';
    assertTrue(openFails(other).getMessage().endsWith("is not a snapshot: it starts with 5853595353"
        + "4e4150, not \"RSYSSNAP\""));
    byte[] newer = good.clone();
    newer[8] = 2;
    assertTrue(openFails(newer).getMessage().endsWith("has format version 2; this reader reads version 1"));
  }

  /**
   * A flipped bit after the header either leaves every value as it was (padding) or is caught: by open, by the
   * read that meets it, or at the latest by {@link Snapshot#verify()}. Never an IndexOutOfBoundsException.
   */
  @Test
  void aFlippedBitInEveryByteOfTheSectionsIsCaughtOrHarmless() throws Exception {
    int caughtByRead = 0;
    int caughtByVerify = 0;
    for (int pos = headerEnd; pos < good.length; pos++) {
      byte[] bytes = good.clone();
      bytes[pos] ^= (byte) (1 << pos % 8);
      String where = "bit " + pos % 8 + " of byte " + pos;
      try (Snapshot s = Snapshot.open(withBytes(bytes))) {
        List<Object> values;
        try {
          values = readEverything(s);
        } catch (SnapshotFormatException e) {
          caughtByRead++;
          continue;
        }
        try {
          s.verify();
        } catch (SnapshotFormatException e) {
          caughtByVerify++;
          continue;
        }
        if (!values.equals(goodValues)) {
          fail(where + " changed values without being detected");
        }
      } catch (SnapshotFormatException e) {
        assertTrue(e.getMessage().contains("(corrupt file)"), where + ": " + e.getMessage());
      } catch (RuntimeException e) {
        throw new AssertionError(where + " failed with " + e, e);
      }
    }
    assertTrue(caughtByRead > 0 && caughtByVerify > 0, caughtByRead + " caught by reads, " + caughtByVerify
        + " by verify");
  }

  @Test
  void verifyNamesTheDamagedSection() throws Exception {
    byte[] bytes = good.clone();
    int last = bytes.length - 1;
    while (bytes[last] == 0) {
      last--; // skip the padding to the end of the last STRING value
    }
    bytes[last] ^= 1;
    try (Snapshot s = Snapshot.open(withBytes(bytes))) {
      SnapshotFormatException e = assertThrows(SnapshotFormatException.class, s::verify);
      assertTrue(e.getMessage().endsWith("column country (STRING) checksum does not match (corrupt file)"),
          e.getMessage());
    }
  }
}
