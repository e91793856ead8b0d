package dev.gitsync.cli;

/** Suggests the nearest known flag for a mistyped one ("did you mean --sync-timeout?"). */
final class Suggest {
  private Suggest() {}

  /**
   * The closest listed flag, or null when nothing is close: a flag the typed name begins (or that
   * begins it, five characters at least), else one within a small edit distance (one edit for names
   * of four characters or fewer, so {@code --foo} suggests nothing rather than {@code --root}); a
   * name about chat services suggests {@code --notify}.
   */
  static String nearestFlag(String typed) {
    String t = typed.toLowerCase(java.util.Locale.ROOT);
    if (t.length() >= 5) {
      for (OptionDef o : Options.all()) {
        if (o.visibility() != OptionDef.Visibility.HIDDEN
            && (o.name().startsWith(t) || t.startsWith(o.name()) && o.name().length() >= 5)) {
          return "--" + o.name();
        }
      }
    }
    for (String chat : new String[] {"slack", "teams", "discord", "mattermost", "chat", "alert"}) {
      if (t.contains(chat)) {
        return "--notify";
      }
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (OptionDef o : Options.all()) {
      if (o.visibility() == OptionDef.Visibility.HIDDEN) {
        continue;
      }
      int d = distance(t, o.name());
      if (d < bestDistance) {
        bestDistance = d;
        best = o.name();
      }
    }
    int allowed = typed.length() <= 4 ? 1 : Math.max(2, typed.length() / 3);
    return best != null && bestDistance <= allowed ? "--" + best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
