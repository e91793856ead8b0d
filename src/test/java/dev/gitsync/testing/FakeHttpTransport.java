package dev.gitsync.testing;

import dev.gitsync.http.HttpTransport;
import dev.gitsync.http.InboundResponse;
import dev.gitsync.http.OutboundRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted {@link HttpTransport}: records every request and answers from a queue (then with the
 * default answer); an answer may be an {@link IOException} to throw, as a dead network would.
 */
public final class FakeHttpTransport implements HttpTransport {
  private final List<OutboundRequest> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Object> answers = new ConcurrentLinkedDeque<>();
  private volatile InboundResponse fallback = response(200, "ok");

  /** A response with no headers. */
  public static InboundResponse response(int status, String body) {
    return new InboundResponse(status, body, Map.of());
  }

  /** A response with headers (names in lower case). */
  public static InboundResponse response(
      int status, String body, Map<String, List<String>> headers) {
    return new InboundResponse(status, body, headers);
  }

  /** Queues an answer. */
  public FakeHttpTransport then(InboundResponse r) {
    answers.add(r);
    return this;
  }

  /** Queues a failure. */
  public FakeHttpTransport thenFail(IOException e) {
    answers.add(e);
    return this;
  }

  /** Sets the answer given when the queue is empty. */
  public FakeHttpTransport otherwise(InboundResponse r) {
    fallback = r;
    return this;
  }

  @Override
  public InboundResponse send(OutboundRequest request) throws IOException {
    requests.add(request);
    Object a = answers.poll();
    if (a instanceof IOException) {
      throw (IOException) a;
    }
    return a == null ? fallback : (InboundResponse) a;
  }

  /** Every request sent so far. */
  public List<OutboundRequest> requests() {
    return new ArrayList<>(requests);
  }
}
