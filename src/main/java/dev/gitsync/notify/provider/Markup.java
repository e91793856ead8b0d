package dev.gitsync.notify.provider;

import java.util.regex.Pattern;

/**
 * How a service formats text: escaping of untrusted text (commit subjects, authors, git's error
 * output, repo URLs), links, bold, code. Every piece of text that did not come from git-sync itself
 * passes through {@link #esc} or {@link #codeBlock} before it reaches a service.
 */
interface Markup {
  /** Untrusted text made inert: no markup, link, entity or mention survives. */
  String esc(String s);

  /** A link; {@code text} is plain and escaped here. */
  String link(String url, String text);

  /** Bold; {@code s} is already escaped. */
  String bold(String s);

  /** Inline code of plain text (escaped here). */
  String code(String s);

  /** A code block of plain text (escaped here). */
  String codeBlock(String s);

  /** A zero-width space: breaks a mention or markup trigger without changing what people read. */
  String ZWSP = "\u200B";

  /** Broadcast mentions in Slack-compatible and Markdown services. */
  Pattern MENTION =
      Pattern.compile("@(?=(channel|here|all|everyone)\\b)", Pattern.CASE_INSENSITIVE);

  /** Inserts a zero-width space after the {@code @} of {@code @channel}, {@code @here}, …. */
  static String noMentions(String s) {
    return MENTION.matcher(s).replaceAll("@" + ZWSP);
  }

  /**
   * Slack mrkdwn: {@code & < >} must be escaped in every text field (api.slack.com/reference/
   * surfaces/formatting#escaping), which also disarms {@code <!channel>} and {@code <url|text>}.
   */
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
          return "`" + esc(s.replace("`", "'")) + "`";
        }

        @Override
        public String codeBlock(String s) {
          return "```" + esc(s.replace("```", "'''")) + "```";
        }
      };

  /**
   * Mattermost and Rocket.Chat: Slack-compatible attachments whose text is Markdown; {@code
   * @channel}, {@code @here} and {@code @all} notify everyone, so they are broken up too.
   */
  Markup SLACK_COMPATIBLE =
      new Markup() {
        @Override
        public String esc(String s) {
          return noMentions(MARKDOWN.esc(s));
        }

        @Override
        public String link(String url, String text) {
          return "[" + esc(text) + "](" + url.replace(")", "%29").replace(" ", "%20") + ")";
        }

        @Override
        public String bold(String s) {
          return "**" + s + "**";
        }

        @Override
        public String code(String s) {
          return "`" + noMentions(s.replace("`", "'")) + "`";
        }

        @Override
        public String codeBlock(String s) {
          return "```\n" + noMentions(s.replace("```", "'''")) + "\n```";
        }
      };

  /**
   * Google Chat's text format: Slack-like {@code *bold*}, {@code <url|text>} links and {@code
   * <users/…>} mentions, but no entity escaping at all ({@code &amp;} shows as such). Untrusted
   * text keeps its characters; a zero-width space after each {@code <} keeps it from opening a link
   * or a mention.
   */
  Markup GCHAT =
      new Markup() {
        @Override
        public String esc(String s) {
          return s.replace("<", "<" + ZWSP);
        }

        @Override
        public String link(String url, String text) {
          return "<"
              + url.replace("|", "%7C").replace(">", "%3E")
              + "|"
              + esc(text).replace(">", "›")
              + ">";
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
          return "```\n" + s.replace("```", "'''") + "\n```";
        }
      };

  /** Markdown (Discord): backslash escapes; Discord's mentions are off by allowed_mentions. */
  Markup MARKDOWN =
      new Markup() {
        @Override
        public String esc(String s) {
          StringBuilder sb = new StringBuilder(s.length() + 8);
          for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\*_~`|[]()<>#@".indexOf(c) >= 0) {
              sb.append('\\');
            }
            sb.append(c);
          }
          return sb.toString();
        }

        @Override
        public String link(String url, String text) {
          return "[" + esc(text) + "](" + url.replace(")", "%29").replace(" ", "%20") + ")";
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

  /**
   * The Markdown subsets of DingTalk and WeCom: what Markdown may mean is backslash-escaped, and a
   * zero-width space follows each {@code <} and {@code @}, so neither a WeCom {@code <@userid>}
   * mention nor an {@code @mobile} (which DingTalk turns into a mention when the number is in
   * {@code atMobiles}) can form from a commit's text.
   */
  Markup LITE_MARKDOWN =
      new Markup() {
        @Override
        public String esc(String s) {
          return MARKDOWN.esc(s).replace("<", "<" + ZWSP).replace("@", "@" + ZWSP);
        }

        @Override
        public String link(String url, String text) {
          return "[" + esc(text) + "](" + url.replace(")", "%29").replace(" ", "%20") + ")";
        }

        @Override
        public String bold(String s) {
          return "**" + s + "**";
        }

        @Override
        public String code(String s) {
          return "`" + s.replace("`", "'").replace("@", "@" + ZWSP) + "`";
        }

        @Override
        public String codeBlock(String s) {
          return "\n" + esc(s) + "\n";
        }
      };

  /**
   * The HTML subset of Telegram ({@code parse_mode=HTML}: only {@code &lt; &gt; &amp; &quot;} are
   * entities, tags b, i, code, pre, a) and Matrix ({@code org.matrix.custom.html}).
   */
  Markup HTML =
      new Markup() {
        @Override
        public String esc(String s) {
          return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }

        @Override
        public String link(String url, String text) {
          return "<a href=\"" + esc(url).replace("\"", "&quot;") + "\">" + esc(text) + "</a>";
        }

        @Override
        public String bold(String s) {
          return "<b>" + s + "</b>";
        }

        @Override
        public String code(String s) {
          return "<code>" + esc(s) + "</code>";
        }

        @Override
        public String codeBlock(String s) {
          return "<pre>" + esc(s) + "</pre>";
        }
      };

  /** Plain text (templates for generic sinks, Teams text runs). */
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
