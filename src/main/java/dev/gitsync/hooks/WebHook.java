package dev.gitsync.hooks;

import dev.gitsync.config.WebhookSettings;
import dev.gitsync.http.HttpTransport;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import dev.gitsync.log.Log;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The webhook: byte-compatible with upstream by default (the method from {@code --webhook-method},
 * header {@code Gitsync-Hash}, no body); with {@code --webhook-payload} it sends the rendered
 * template, and {@code --webhook-header} adds headers. The URL is a secret: only its scheme and
 * host are ever logged.
 */
public final class WebHook implements Hook {
  private final WebhookSettings settings;
  private final HttpTransport transport;
  private final Log log;
  private final URI uri;

  /** A webhook with its settings, sent through {@code transport}. */
  public WebHook(WebhookSettings settings, HttpTransport transport, Log log) {
    this.settings = settings;
    this.transport = transport;
    this.log = log;
    this.uri = URI.create(settings.url().reveal());
    log.redactor().register(settings.url().reveal());
    if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
      log.redactor().register(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      log.redactor().register(uri.getRawQuery());
    }
    // A service's error page may echo one segment of the URL (the token) on its own.
    for (String part : (uri.getRawPath() + "&" + uri.getRawQuery()).split("[/&=]")) {
      if (part.length() >= 8) {
        log.redactor().register(part);
      }
    }
    settings.headers().forEach(h -> log.redactor().register(h.value().reveal()));
  }

  @Override
  public String name() {
    return "webhook";
  }

  /** The URL as logs may show it: scheme and host only. */
  public static String safeUrl(URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/…";
  }

  @Override
  public void run(HookContext c) throws HookException, InterruptedException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(new AbstractMap.SimpleEntry<>("Gitsync-Hash", c.hash()));
    byte[] body = new byte[0];
    boolean contentType =
        settings.headers().stream().anyMatch(h -> h.name().equalsIgnoreCase("content-type"));
    if (settings.payload().isPresent()) {
      body = settings.payload().get().render(c.variables()).getBytes(StandardCharsets.UTF_8);
      if (!contentType) {
        headers.add(new AbstractMap.SimpleEntry<>("Content-Type", "application/json"));
      }
    }
    for (WebhookSettings.Header h : settings.headers()) {
      headers.add(new AbstractMap.SimpleEntry<>(h.name(), h.value().reveal()));
    }
    log.info(
        0,
        "sending webhook",
        "hash",
        c.hash(),
        "url",
        safeUrl(uri),
        "method",
        settings.method(),
        "timeout",
        settings.timeout());
    InboundResponse r;
    try {
      r =
          transport.send(
              new OutboundRequest(settings.method(), uri, headers, body, settings.timeout()));
    } catch (IOException e) {
      throw new HookException(
          "webhook to " + safeUrl(uri) + " failed: " + log.redactor().redact(e.getMessage()));
    }
    log.info(1, "webhook response", "status", r.status(), "body", r.body());
    if (settings.successStatus() != 0 && r.status() != settings.successStatus()) {
      throw new HookException(
          "webhook to "
              + safeUrl(uri)
              + " answered "
              + r.status()
              + ", expected "
              + settings.successStatus()
              + ": "
              + log.redactor().redact(abbreviate(r.body())));
    }
  }

  private static String abbreviate(String s) {
    String t = s.strip();
    return t.length() > 200 ? t.substring(0, 200) + "…" : t;
  }
}
