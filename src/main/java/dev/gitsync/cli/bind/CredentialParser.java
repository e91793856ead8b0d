package dev.gitsync.cli.bind;

import dev.gitsync.config.Credential;
import dev.gitsync.config.Secret;
import dev.gitsync.json.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses a {@code --credential} value: one JSON object or a list of them, with the fields {@code
 * url}, {@code username} and one of {@code password} or {@code password-file}. Unknown fields are
 * rejected, as upstream's decoder does. Error messages never include the values.
 */
final class CredentialParser {
  private static final Set<String> FIELDS = Set.of("url", "username", "password", "password-file");

  private CredentialParser() {}

  static List<Credential> parse(String raw) {
    Object json;
    try {
      json = JsonParser.parse(raw.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a JSON object or list: " + e.getMessage(), e);
    }
    List<Credential> out = new ArrayList<>();
    if (json instanceof List) {
      for (Object o : (List<?>) json) {
        out.add(one(o));
      }
    } else {
      out.add(one(json));
    }
    return out;
  }

  private static Credential one(Object o) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("each credential must be a JSON object");
    }
    Map<?, ?> m = (Map<?, ?>) o;
    for (Object k : m.keySet()) {
      if (!FIELDS.contains(k)) {
        throw new IllegalArgumentException(
            "unknown field \"" + k + "\" (allowed: url, username, password, password-file)");
      }
    }
    String url = field(m, "url");
    String username = field(m, "username");
    String password = field(m, "password");
    String file = field(m, "password-file");
    if (url.isEmpty()) {
      throw new IllegalArgumentException("url must be specified");
    }
    if (username.isEmpty()) {
      throw new IllegalArgumentException("username must be specified for " + url);
    }
    if (password.isEmpty() == file.isEmpty()) {
      throw new IllegalArgumentException(
          "exactly one of password or password-file must be specified for " + url);
    }
    return new Credential(
        url,
        username,
        password.isEmpty() ? Optional.empty() : Optional.of(Secret.of(password)),
        file.isEmpty() ? Optional.empty() : Optional.of(file));
  }

  private static String field(Map<?, ?> m, String name) {
    Object v = m.get(name);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String)) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return (String) v;
  }
}
