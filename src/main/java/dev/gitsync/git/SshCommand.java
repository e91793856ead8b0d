package dev.gitsync.git;

import java.util.List;

/**
 * {@code GIT_SSH_COMMAND} as upstream composes it: the user's value (or {@code ssh}), {@code -v}
 * flags by verbosity, the keys, and host-key checking.
 *
 * <p>Design: git hands this string to {@code sh -c}, and ssh then expands {@code %} tokens in key
 * and known-hosts paths. Upstream pastes the paths in as they are, so {@code
 * --ssh-key-file='/k;touch /tmp/x;'} runs a command and a path with a space breaks. Here a path
 * with any character outside {@code [A-Za-z0-9_./@+,:-]} is single-quoted for the shell (and its
 * {@code %} doubled for ssh; the known-hosts path is also double-quoted for ssh's own option
 * parser), so plain paths produce upstream's exact string and every other path is taken literally.
 */
public final class SshCommand {
  private SshCommand() {}

  /**
   * The command.
   *
   * @param base the user's {@code $GIT_SSH_COMMAND}, or empty for {@code ssh}
   * @param verbosity the {@code -v} level
   * @param keyFiles the {@code --ssh-key-file} values
   * @param knownHosts whether host keys are checked
   * @param knownHostsFile the {@code --ssh-known-hosts-file}
   */
  public static String compose(
      String base,
      int verbosity,
      List<String> keyFiles,
      boolean knownHosts,
      String knownHostsFile) {
    StringBuilder sb = new StringBuilder(base.isEmpty() ? "ssh" : base);
    if (verbosity >= 9) {
      sb.append(" -vvv");
    } else if (verbosity >= 7) {
      sb.append(" -vv");
    } else if (verbosity >= 5) {
      sb.append(" -v");
    }
    for (String key : keyFiles) {
      sb.append(" -i ").append(plain(key) ? key : shellQuote(key.replace("%", "%%")));
    }
    if (knownHosts) {
      sb.append(" -o StrictHostKeyChecking=yes -o ");
      if (plain(knownHostsFile)) {
        sb.append("UserKnownHostsFile=").append(knownHostsFile);
      } else {
        String forSsh =
            knownHostsFile.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%");
        sb.append(shellQuote("UserKnownHostsFile=\"" + forSsh + "\""));
      }
    } else {
      sb.append(" -o StrictHostKeyChecking=no");
    }
    return sb.toString();
  }

  private static boolean plain(String s) {
    return !s.isEmpty() && s.matches("[A-Za-z0-9_./@+,:-]+") && !s.startsWith("-");
  }

  /** {@code s} as one shell word: single quotes, with each {@code '} written {@code '\''}. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
