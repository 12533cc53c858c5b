package dev.recsys.features.spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Content tokens of an item: its tags, then the words of its title; lower case, deduplicated, in that order. */
public final class Tokens {

  private Tokens() {}

  public static List<String> of(String title, List<String> tags) {
    Set<String> out = new LinkedHashSet<>();
    if (tags != null) {
      for (String tag : tags) {
        if (tag != null && !tag.isBlank()) {
          out.add(tag.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    if (title != null) {
      for (String word : title.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
        if (word.length() >= 2 && !word.chars().allMatch(Character::isDigit)) {
          out.add(word);
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The vocabulary indexes of the first {@code max} tokens the vocabulary knows. */
  public static int[] indexes(List<String> tokens, Vocabulary vocab, int max) {
    return tokens.stream().mapToInt(vocab::index).filter(i -> i != Vocabulary.OOV).limit(max).toArray();
  }
}
