package dev.recsys.export.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleVersionTest {

  @Test
  void versionsAreUtcTimestampsWithAnIdAndSortInTimeOrder() {
    Instant t = Instant.parse("2026-11-22T03:15:00.750Z");
    assertEquals("20261122T031500Z-3f9a1c2", BundleVersion.of(t, "3f9a1c2"));
    assertEquals("20261122T031500Z-run_7", BundleVersion.next(Clock.fixed(t, ZoneOffset.ofHours(9)), "run_7"));

    List<String> versions = new ArrayList<>();
    for (String time : List.of("2027-01-01T00:00:00Z", "2026-11-22T03:15:09Z", "2026-11-22T03:15:10Z",
        "2026-02-01T00:00:00Z")) {
      versions.add(BundleVersion.of(Instant.parse(time), "zz"));
    }
    List<String> sorted = new ArrayList<>(versions);
    Collections.sort(sorted);
    assertEquals(List.of(versions.get(3), versions.get(1), versions.get(2), versions.get(0)), sorted);
  }

  @Test
  void malformedVersionsAndIdsAreRejected() {
    assertTrue(BundleVersion.isValid("20261122T031500Z-a"));
    for (String bad : List.of("latest", "20261122T031500Z", "20261122T031500Z-", "20261322T031500Z-a",
        "20260230T000000Z-a", "20261122T031500Z-a/b", "20261122T031500Z-.hidden", ".staging-20261122T031500Z-a")) {
      assertFalse(BundleVersion.isValid(bad), bad);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BundleVersion.check("latest"));
    assertEquals("bundle version must look like 20261122T031500Z-<id>, got 'latest'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BundleVersion.of(Instant.EPOCH, "a b"));
  }
}
