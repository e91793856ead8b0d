package dev.gitsync.notify;

/** How a service formats text: escaping, links, bold and code. */
interface Markup {
  String esc(String s);

  String link(String url, String text);

  String bold(String s);

  String code(String s);

  String codeBlock(String s);

  /** Slack mrkdwn (also used for Google Chat): escape only {@code & < >}. */
  Markup SLACK =
      new Markup() {
        @Override
        public String esc(String s) {
          return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }

        @Override
        public String link(String url, String text) {
          return "<" + url.replace("|", "%7C").replace(">", "%3E") + "|" + esc(text) + ">";
        }

        @Override
        public String bold(String s) {
          return "*" + s + "*";
        }

        @Override
        public String code(String s) {
          return "`" + s.replace("`", "'") + "`";
        }

        @Override
        public String codeBlock(String s) {
          return "```" + s.replace("```", "'''") + "```";
        }
      };

  /** Markdown (Discord, Mattermost, Rocket.Chat, Teams text blocks). */
  Markup MARKDOWN =
      new Markup() {
        @Override
        public String esc(String s) {
          StringBuilder sb = new StringBuilder();
          for (char c : s.toCharArray()) {
            if ("\\*_~`|[]()<>#@".indexOf(c) >= 0) {
              sb.append('\\');
            }
            sb.append(c);
          }
          return sb.toString();
        }

        @Override
        public String link(String url, String text) {
          return "[" + esc(text) + "](" + url.replace(")", "%29") + ")";
        }

        @Override
        public String bold(String s) {
          return "**" + s + "**";
        }

        @Override
        public String code(String s) {
          return "`" + s.replace("`", "'") + "`";
        }

        @Override
        public String codeBlock(String s) {
          return "```\n" + s.replace("```", "'''") + "\n```";
        }
      };

  /** Plain text. */
  Markup PLAIN =
      new Markup() {
        @Override
        public String esc(String s) {
          return s;
        }

        @Override
        public String link(String url, String text) {
          return text + ": " + url;
        }

        @Override
        public String bold(String s) {
          return s;
        }

        @Override
        public String code(String s) {
          return s;
        }

        @Override
        public String codeBlock(String s) {
          return s;
        }
      };
}
