package dev.recsys.export.bundle;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds and checks bundle versions: {@code <UTC timestamp>-<id>}, for example {@code 20261122T031500Z-3f9a1c2}.
 *
 * <p>The timestamp has a fixed width, so plain string order is time order and a directory listing sorts the
 * bundles; the id (a short commit or run id) tells apart bundles made in the same second and breaks ties.
 */
public final class BundleVersion {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
          .withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Pattern VERSION = Pattern.compile("([0-9]{8}T[0-9]{6}Z)-(" + ID.pattern() + ")");

  private BundleVersion() {}

  /** Returns the version for a bundle made at {@code time} (truncated to the second) with the given id. */
  public static String of(Instant time, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("bundle version id must be 1-64 letters, digits, '_' or '-' and start "
          + "with a letter or digit, got '" + id + "'");
    }
    return STAMP.format(time) + "-" + id;
  }

  /** Returns the version for a bundle made now, as told by {@code clock}, with the given id. */
  public static String next(Clock clock, String id) {
    return of(clock.instant(), id);
  }

  /** Returns whether {@code text} is a well-formed version (a real UTC timestamp, a dash and an id). */
  public static boolean isValid(String text) {
    if (text == null) {
      return false;
    }
    Matcher m = VERSION.matcher(text);
    if (!m.matches()) {
      return false;
    }
    try {
      STAMP.parse(m.group(1));
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** Returns {@code text} if it is a well-formed version; throws {@link IllegalArgumentException} otherwise. */
  public static String check(String text) {
    if (!isValid(text)) {
      throw new IllegalArgumentException("bundle version must look like 20261122T031500Z-<id>, got '" + text + "'");
    }
    return text;
  }
}
