package dev.gitsync.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DingTalk, Feishu, WeCom, Telegram, Matrix and Webex end to end against {@link ChatFake}, which
 * answers as each is documented to: Chinese text arrives intact, nothing a commit says mentions
 * anyone or breaks the markup, rate limits are waited out, a service's "this will never work"
 * disables the sink, signatures are right, and tokens appear in no output.
 */
class MoreChatsIT {
  static final String TELEGRAM_TOKEN = "123456789:AAFake-Telegram_Token0";
  static final String MATRIX_TOKEN = "syt_matrix_token_0001";
  static final String WEBEX_TOKEN = "webex-token-0001";
  static final String SUBJECT = "修复登录 @all <@zhangsan> @room <b>x</b> & *y* [z](http://a)";

  @TempDir Path tmp;
  Repo repo;
  Path root;
  Receiver rx;
  ChatFake fake;
  GitSync g;

  @BeforeEach
  void setUp() throws Exception {
    repo = new Repo(tmp.resolve("remote"));
    repo.git("config", "user.name", "张三");
    Files.writeString(repo.dir.resolve("file.txt"), "一");
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", SUBJECT);
    root = tmp.resolve("root");
    rx = new Receiver();
  }

  @AfterEach
  void tearDown() {
    if (g != null) {
      g.kill();
    }
    rx.close();
  }

  private ChatFake fake(ChatFake.Kind kind) {
    fake = new ChatFake(kind);
    rx.validator = fake;
    switch (kind) {
      case TELEGRAM:
        fake.secret = TELEGRAM_TOKEN;
        fake.rooms.add("-1001234");
        break;
      case MATRIX:
        fake.secret = MATRIX_TOKEN;
        fake.rooms.add("!room:example.org");
        break;
      case WEBEX:
        fake.secret = WEBEX_TOKEN;
        fake.rooms.add("Y2lzY29zcGFyazovL3Vz");
        break;
      default:
        break;
    }
    return fake;
  }

  private Path file(String name, String content) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, content + "\n");
    return f;
  }

  /** The --notify value for the fake's kind, with extra query options. */
  private String sink(ChatFake.Kind kind, String extra) throws Exception {
    switch (kind) {
      case DINGTALK:
        return "dingtalk+" + rx.url("/robot/send?access_token=dt0001") + and(extra);
      case FEISHU:
        return "feishu+" + rx.url("/open-apis/bot/v2/hook/fs-0001") + "?x=1" + and(extra);
      case WECOM:
        return "wecom+" + rx.url("/cgi-bin/webhook/send?key=wc-0001") + and(extra);
      case TELEGRAM:
        return "telegram+"
            + rx.url("")
            + "?chat_id=-1001234&token_file="
            + file("tg", TELEGRAM_TOKEN)
            + and(extra);
      case MATRIX:
        return "matrix+"
            + rx.url("")
            + "?room="
            + URLEncoder.encode("!room:example.org", StandardCharsets.UTF_8)
            + "&token_file="
            + file("mx", MATRIX_TOKEN)
            + and(extra);
      default:
        return "webex+"
            + rx.url("/v1/messages")
            + "?room_id=Y2lzY29zcGFyazovL3Vz&token_file="
            + file("wx", WEBEX_TOKEN)
            + and(extra);
    }
  }

  private static String and(String extra) {
    return extra.isEmpty() ? "" : "&" + extra;
  }

  private GitSync start(String sink, String... extra) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--repo=" + repo.url(),
                "--root=" + root,
                "--period=100ms",
                "--max-failures=-1",
                "-v",
                "6",
                "--notify=" + sink));
    a.addAll(List.of(extra));
    g = GitSync.start(tmp, a.toArray(new String[0]));
    return g;
  }

  private void noProblems() {
    assertThat(fake.rejections).as(fake.kind + " would reject").isEmpty();
    assertThat(fake.fidelity).as(fake.kind + " would render wrongly").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ChatFake.Kind.class)
  void chineseTextArrivesIntact_nothingMentionsAnyone_andARateLimitIsWaitedOut(ChatFake.Kind kind)
      throws Exception {
    fake(kind).faults.add("too_fast");
    String sink =
        kind == ChatFake.Kind.DINGTALK || kind == ChatFake.Kind.WECOM
            ? sink(kind, "min_interval=0s")
            : sink(kind, "");
    String wait =
        Map.of(ChatFake.Kind.DINGTALK, "10m", ChatFake.Kind.FEISHU, "1m", ChatFake.Kind.WECOM, "1m")
            .getOrDefault(kind, "");
    if (!wait.isEmpty()) {
      // These services block for a minute or ten after "too fast": see the wait, then go on with
      // a fresh volume rather than wait.
      start(sink);
      await().atMost(30, SECONDS).until(() -> g.err().contains("will retry"));
      assertThat(g.err()).contains("\"retryIn\":\"" + wait);
      g.kill();
      wipe(root);
      start(sink);
    } else {
      start(sink);
    }
    await().atMost(60, SECONDS).until(() -> fake.accepted.size() == 1);
    String shown = fake.accepted.get(0);
    assertThat(shown).contains("修复登录", "张三");
    assertThat(fake.answers.get(0)).contains("too_fast");
    noProblems();
    String out = g.err() + g.out();
    assertThat(out).doesNotContain(TELEGRAM_TOKEN, MATRIX_TOKEN, WEBEX_TOKEN, "dt0001", "fs-0001");
  }

  @ParameterizedTest
  @EnumSource(ChatFake.Kind.class)
  void theServicesNeverWorkAnswer_disablesTheSink_withItsReason(ChatFake.Kind kind)
      throws Exception {
    fake(kind).faults.add("gone");
    start(sink(kind, ""));
    await().atMost(30, SECONDS).until(() -> g.err().contains("notification sink is gone"));
    assertThat(fake.accepted).isEmpty();
    assertThat(g.err() + g.out())
        .doesNotContain(TELEGRAM_TOKEN, MATRIX_TOKEN, WEBEX_TOKEN, "dt0001", "fs-0001");
  }

  @Test
  void dingTalkAndFeishu_signWithTheSecret_andAWrongSecretDisablesTheSink() throws Exception {
    for (ChatFake.Kind kind : List.of(ChatFake.Kind.DINGTALK, ChatFake.Kind.FEISHU)) {
      fake(kind).secret = "SECa1b2c3d4e5";
      start(sink(kind, "secret_file=" + file("secret", "SECa1b2c3d4e5")));
      await().atMost(30, SECONDS).until(() -> fake.accepted.size() == 1);
      g.kill();
      fake.secret = "SECrotated999";
      wipe(root);
      start(sink(kind, "secret_file=" + file("secret", "SECa1b2c3d4e5")));
      await().atMost(30, SECONDS).until(() -> g.err().contains("notification sink is gone"));
      assertThat(g.err()).contains(kind == ChatFake.Kind.DINGTALK ? "310000" : "19021");
      assertThat(g.err()).doesNotContain("SECa1b2c3d4e5");
      g.kill();
      wipe(root);
    }
  }

  private static void wipe(Path dir) throws Exception {
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void matrix_aRetryAfterATimeout_isTheSameEvent_shownOnce() throws Exception {
    fake(ChatFake.Kind.MATRIX);
    rx.validator =
        r -> {
          Receiver.Answer a = fake.apply(r);
          if (fake.transactions.size() == 1 && fake.answers.size() == 1) {
            try {
              SECONDS.sleep(3); // Stored, but the answer comes after git-sync gave up waiting.
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return a;
        };
    start(sink(ChatFake.Kind.MATRIX, "timeout=1s"));
    await().atMost(60, SECONDS).until(() -> fake.answers.size() >= 2);
    assertThat(fake.transactions).hasSize(1);
    assertThat(fake.accepted).hasSize(1);
    assertThat(rx.requests.get(0).path()).isEqualTo(rx.requests.get(1).path());
    noProblems();
  }

  @Test
  void weCom_aLongChineseMessage_isCutToItsByteLimit_withoutSplittingACharacter() throws Exception {
    fake(ChatFake.Kind.WECOM);
    start(sink(ChatFake.Kind.WECOM, "min_interval=0s"), "--ref=main", "--depth=0");
    await().atMost(30, SECONDS).until(() -> fake.accepted.size() == 1);
    // Twelve commits with long Chinese subjects, published at once.
    repo.git("checkout", "-q", "-b", "work");
    for (int i = 0; i < 12; i++) {
      Files.writeString(repo.dir.resolve("file.txt"), "改" + i);
      repo.git("add", "-A");
      repo.git("commit", "-q", "-m", "很长的提交说明".repeat(20) + i);
    }
    repo.git("checkout", "-q", "main");
    repo.git("merge", "-q", "--ff-only", "work");
    await().atMost(30, SECONDS).until(() -> fake.accepted.size() == 2);
    assertThat(fake.accepted.get(1).getBytes(StandardCharsets.UTF_8).length)
        .as(fake.accepted.get(1))
        .isBetween(3000, 4096);
    assertThat(fake.accepted.get(1)).contains("很长的提交说明");
    noProblems();
  }
}
