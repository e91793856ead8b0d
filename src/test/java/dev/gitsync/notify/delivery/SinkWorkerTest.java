package dev.gitsync.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import dev.gitsync.notify.sink.SinkParser;
import dev.gitsync.testing.Events;
import dev.gitsync.testing.FakeHttpTransport;
import dev.gitsync.testing.FakeTime;
import dev.gitsync.testing.TestLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One delivery step at a time, against a scripted transport and a fake clock. */
class SinkWorkerTest {
  @TempDir Path tmp;
  final FakeTime clock = new FakeTime();
  final FakeHttpTransport http = new FakeHttpTransport();
  final SinkStates states = new SinkStates();
  final TestLog log = new TestLog();
  final List<String> observed = new CopyOnWriteArrayList<>();
  Outbox outbox;

  @BeforeEach
  void setUp() throws IOException {
    outbox = new Outbox(tmp, false);
  }

  private SinkWorker worker(String url) {
    return new SinkWorker(
        SinkParser.parse(url),
        http,
        outbox,
        states,
        clock,
        new RetryPolicy(new Random(1)),
        Duration.ofHours(24),
        log.log(),
        (sink, event, status, reason) -> observed.add(status + ":" + reason));
  }

  private Delivery queue(SinkWorker w, EventType type) throws IOException {
    NotifyEvent e =
        Events.withLinks(Events.event(type, "https://h/o/r", List.of(), ""), "main", "", "");
    e =
        new NotifyEvent(
            e.type(),
            e.id(),
            clock.instant(),
            e.repo(),
            e.ref(),
            e.hash(),
            e.previousHash(),
            e.error(),
            e.failures(),
            e.brokenFor(),
            e.commits(),
            e.moreCommits(),
            e.diffSummary(),
            e.commitUrl(),
            e.compareUrl(),
            e.pod(),
            e.namespace(),
            e.hook(),
            e.signer());
    Delivery d = new Delivery(outbox.nextSeq(), w.sink().id(), e, 0, clock.instant());
    outbox.write(d);
    w.enqueue(d);
    return d;
  }

  private long pending() throws IOException {
    try (var s = Files.list(tmp.resolve("pending"))) {
      return s.filter(p -> p.toString().endsWith(".json")).count();
    }
  }

  @Test
  void attempt_delivered_leavesTheOutbox() throws Exception {
    SinkWorker w = worker("generic+http://127.0.0.1/h");
    Delivery d = queue(w, EventType.SYNC_SUCCEEDED);
    w.attempt(d);
    assertThat(pending()).isZero();
    assertThat(w.depth()).isZero();
    assertThat(observed).containsExactly("sent:");
  }

  @Test
  void attempt_transientFailure_isRewrittenWithItsNextTime_andRetriedInOrder() throws Exception {
    SinkWorker w = worker("generic+http://127.0.0.1/h");
    http.then(FakeHttpTransport.response(503, "busy", Map.of("retry-after", List.of("7"))));
    Delivery d = queue(w, EventType.SYNC_SUCCEEDED);
    queue(w, EventType.SYNC_FAILED);
    w.attempt(d);
    assertThat(pending()).isEqualTo(2);
    assertThat(w.depth()).isEqualTo(2);
    List<Delivery> loaded = outbox.load(log.log());
    assertThat(loaded.get(0).attempts()).isEqualTo(1);
    assertThat(loaded.get(0).notBefore()).isEqualTo(clock.instant().plusSeconds(7));
    assertThat(observed).containsExactly("retried:");
  }

  @Test
  void attempt_staleSlackThread_isForgotten_andSentAgainAtOnceAsANewParent() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "xoxb-1\n");
    SinkWorker w =
        worker("slackbot+http://127.0.0.1/api/chat.postMessage?channel=C1&token_file=" + token);
    String key = SinkStates.threadKey(w.sink().id(), "https://h/o/r", "main");
    states.thread(key, "111.1");
    http.then(FakeHttpTransport.response(200, "{\"ok\":false,\"error\":\"thread_not_found\"}"))
        .then(FakeHttpTransport.response(200, "{\"ok\":true,\"ts\":\"222.2\"}"));
    Delivery d = queue(w, EventType.SYNC_SUCCEEDED);
    w.attempt(d);
    assertThat(states.thread(key)).isEmpty();
    Delivery again = outbox.load(log.log()).get(0);
    assertThat(again.notBefore()).isEqualTo(clock.instant());
    w.attempt(again);
    List<OutboundRequest> sent = http.requests();
    assertThat(body(sent.get(0))).contains("\"thread_ts\":\"111.1\"");
    assertThat(body(sent.get(1))).doesNotContain("thread_ts");
    assertThat(states.thread(key)).isEqualTo("222.2");
    assertThat(pending()).isZero();
  }

  @Test
  void attempt_goneSink_isDisabledWithItsFingerprint_andQueuedMessagesAreDropped()
      throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "xoxb-old\n");
    SinkWorker w =
        worker("slackbot+http://127.0.0.1/api/chat.postMessage?channel=C1&token_file=" + token);
    http.then(FakeHttpTransport.response(200, "{\"ok\":false,\"error\":\"token_revoked\"}"));
    Delivery first = queue(w, EventType.SYNC_SUCCEEDED);
    Delivery second = queue(w, EventType.SYNC_FAILED);
    String before = SinkWorker.fingerprint(w.sink());
    w.attempt(first);
    SinkStates.Disabled dis = states.disabled(w.sink().id()).orElseThrow();
    assertThat(dis.reason()).contains("token_revoked");
    assertThat(dis.fingerprint()).isEqualTo(before);
    w.attempt(second);
    assertThat(http.requests()).hasSize(1);
    assertThat(observed).containsExactly("dropped:disabled", "dropped:disabled");
    assertThat(pending()).isZero();
    assertThat(log.text()).contains("notification sink is gone");
    // A rotated token changes the fingerprint; that is how the notifier knows to try again.
    Files.writeString(token, "xoxb-new\n");
    assertThat(SinkWorker.fingerprint(w.sink())).isNotEqualTo(before);
  }

  @Test
  void attempt_afterAProbe_aDeliveryReEnablesTheSink() throws Exception {
    SinkWorker w = worker("generic+http://127.0.0.1/h");
    states.disable(w.sink().id(), "HTTP 410", "fp", clock.instant());
    states.reprobe(w.sink().id());
    w.attempt(queue(w, EventType.SYNC_SUCCEEDED));
    assertThat(log.text()).contains("notification sink works again");
    assertThat(states.disabled(w.sink().id())).isEmpty();
  }

  @Test
  void attempt_redirect_isAFailure_neverFollowed() throws Exception {
    SinkWorker w = worker("generic+http://127.0.0.1/h");
    http.then(
        FakeHttpTransport.response(
            301, "", Map.of("location", List.of("https://elsewhere.example.com/TOKEN9"))));
    w.attempt(queue(w, EventType.SYNC_SUCCEEDED));
    assertThat(observed).containsExactly("dropped:rejected");
    assertThat(log.text()).contains("redirect", "elsewhere.example.com").doesNotContain("TOKEN9");
  }

  @Test
  void attempt_tooOld_isDroppedAsExpired_withoutSending() throws Exception {
    SinkWorker w = worker("generic+http://127.0.0.1/h");
    Delivery d = queue(w, EventType.SYNC_SUCCEEDED);
    clock.advance(Duration.ofHours(25));
    w.attempt(d);
    assertThat(http.requests()).isEmpty();
    assertThat(observed).containsExactly("dropped:expired");
  }

  private static String body(OutboundRequest r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static Sink sink(String url) {
    return SinkParser.parse(url);
  }
}
