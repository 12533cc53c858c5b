package dev.recsys.training.eval;

/** Escapes text for HTML and SVG, which the report writes as well-formed XML. */
final class Html {

  private Html() {}

  /** Returns {@code text} with the five XML special characters replaced by entities. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
