package dev.gitsync.notify.provider;

import static dev.gitsync.notify.provider.Providers.map;

import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.notify.event.EventType;
import dev.gitsync.notify.event.NotifyEvent;
import dev.gitsync.notify.sink.Sink;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prometheus Alertmanager API v2 ({@code POST /api/v2/alerts}, a JSON list of postableAlert):
 * labels {@code alertname} ({@code GitSyncFailing}, or {@code GitSyncHookFailing} with {@code
 * hook}), {@code repo}, {@code ref}, {@code pod}, {@code namespace}; annotations {@code summary}
 * and {@code description}; {@code startsAt}; {@code generatorURL} when the commit's page is known.
 *
 * <p>Alertmanager resolves an alert nobody refreshes: one without {@code endsAt} after its {@code
 * resolve_timeout} (5 minutes by default), one with it at that time. A firing alert is sent with
 * {@code endsAt} {@link #HORIZON} ahead and re-sent every {@link #REFRESH} ({@code refresh=}) while
 * it fires ({@link #refreshWhileFiring}); its recovery is sent with the same labels and {@code
 * endsAt} = now. 200 is success; 400 (an alert it refuses) drops the message; 5xx is retried.
 * {@code --notify-test} posts an alert that is already resolved ({@code GitSyncTest}), which
 * reaches no receiver.
 */
final class Alertmanager implements Provider {
  static final Duration REFRESH = Duration.ofMinutes(1);
  static final Duration HORIZON = Duration.ofMinutes(10);

  @Override
  public OutboundRequest render(NotifyEvent e, Sink sink, DeliveryInfo d) {
    Instant now = Instant.now();
    Map<String, Object> labels = map();
    boolean hook = Incident.trouble(e).startsWith("hook:");
    labels.put(
        "alertname",
        e.type() == EventType.TEST
            ? "GitSyncTest"
            : hook ? "GitSyncHookFailing" : "GitSyncFailing");
    labels.put("repo", Text.cut(e.repo(), 300));
    labels.put("ref", Text.cut(e.ref(), 300));
    labels.put("pod", e.pod());
    if (!e.namespace().isEmpty()) {
      labels.put("namespace", e.namespace());
    }
    if (hook) {
      labels.put("hook", Text.cut(e.hook(), 100));
    }
    Map<String, Object> alert =
        map(
            "labels",
            labels,
            "annotations",
            map("summary", Incident.summary(e, 500), "description", Incident.details(e, 4000)));
    if (e.type() == EventType.TEST) {
      alert.put("startsAt", now.minusSeconds(1).toString());
      alert.put("endsAt", now.toString());
    } else if (e.type().resolves()) {
      alert.put("endsAt", now.toString());
    } else {
      alert.put("startsAt", e.time().toString());
      alert.put("endsAt", now.plus(HORIZON).toString());
    }
    if (!e.commitUrl().isEmpty()) {
      alert.put("generatorURL", e.commitUrl());
    }
    String base = sink.uri().toString().replaceFirst("[?#].*$", "").replaceFirst("/+$", "");
    return Providers.post(
        URI.create(base + "/api/v2/alerts"),
        sink,
        Providers.json(List.of(alert)),
        Providers.headers("Content-Type", "application/json"));
  }

  /** {@code refresh=} (at least 1s), else {@link #REFRESH}. */
  @Override
  public Optional<Duration> refreshWhileFiring(Sink sink) {
    if (sink.channel().isEmpty()) {
      return Optional.of(REFRESH);
    }
    try {
      Duration d = dev.gitsync.config.GoDuration.parse(sink.channel());
      return Optional.of(d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d);
    } catch (IllegalArgumentException e) {
      return Optional.of(REFRESH);
    }
  }

  @Override
  public Verdict judge(InboundResponse r, Sink sink) {
    return Verdict.byStatus(r).orElse(Verdict.delivered());
  }
}
