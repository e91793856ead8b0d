package dev.gitsync.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small HTTP/1.1 server on one selector thread, made so that a probe answers while other clients
 * misbehave.
 *
 * <p>Design: the JDK's {@code HttpServer} reads each request's head on a worker thread, so two
 * clients that send one byte and wait hold both workers and {@code /healthz} times out until they
 * give up; Kubernetes then restarts the pod. Here one thread reads every connection without
 * blocking and a connection costs only its buffer until its request is complete. Every phase has a
 * deadline: the request head and body must arrive within {@link Limits#headTimeout} of the first
 * byte (or of the connection, for a client that sends nothing), a kept-alive connection may idle
 * for {@link Limits#idleTimeout}, and an answer must be taken within {@link Limits#writeTimeout}.
 * Heads and bodies are bounded (431, 413). When {@link Limits#maxConnections} are open, a new
 * connection evicts the one that has waited longest for its request head, so slow clients cannot
 * lock out a probe either. Quick requests (probes, metrics) are answered on the selector thread;
 * requests the {@code slow} predicate picks (profiles) run on at most {@link Limits#slowThreads}
 * threads, created on demand, and a request beyond that is answered 429 at once.
 */
public final class NioHttpServer implements AutoCloseable {
  /**
   * Bounds on what one client may cost.
   *
   * @param maxConnections open connections at most
   * @param headTimeout time allowed for a request's head and body to arrive
   * @param idleTimeout time a kept-alive connection may wait for its next request
   * @param writeTimeout time allowed for a client to take an answer
   * @param maxHead the largest request head, in bytes
   * @param maxBody the largest request body, in bytes
   * @param slowThreads threads for slow requests
   * @param maxBuffered the most bytes all connections may hold in their buffers together
   * @param maxStreamedBody the largest body a handler may take as a stream ({@link
   *     Handler#stream}); only its first {@code maxBody} bytes are kept
   */
  public record Limits(
      int maxConnections,
      Duration headTimeout,
      Duration idleTimeout,
      Duration writeTimeout,
      int maxHead,
      int maxBody,
      int slowThreads,
      long maxBuffered,
      long maxStreamedBody) {
    /** Limits without streamed bodies. */
    public Limits(
        int maxConnections,
        Duration headTimeout,
        Duration idleTimeout,
        Duration writeTimeout,
        int maxHead,
        int maxBody,
        int slowThreads,
        long maxBuffered) {
      this(
          maxConnections,
          headTimeout,
          idleTimeout,
          writeTimeout,
          maxHead,
          maxBody,
          slowThreads,
          maxBuffered,
          maxBody);
    }

    /** Limits for an admin endpoint: probes, metrics, profiles; no request bodies to speak of. */
    public static Limits admin() {
      return new Limits(
          128,
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30),
          16 * 1024,
          64 * 1024,
          2,
          4L * 1024 * 1024);
    }

    /**
     * Limits for the push-trigger listener: request bodies up to 1 MiB held whole, larger ones up
     * to 32 MiB (GitHub sends up to 25 MB) streamed through the handler's signature check with
     * their first MiB kept, 4 MiB held by all connections together, so 32 MiB of heap is never at
     * risk.
     */
    public static Limits trigger() {
      return new Limits(
          64,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          16 * 1024,
          1024 * 1024,
          1,
          4L * 1024 * 1024,
          32L * 1024 * 1024);
    }
  }

  /**
   * A complete request.
   *
   * @param method the method, as sent
   * @param path the path of the request target, not decoded
   * @param query the query without {@code ?}, or empty
   * @param headers header values by lower-case name
   * @param body the body (at most {@link Limits#maxBody} bytes: the first of them when the body was
   *     streamed)
   * @param remote the client's address
   * @param length the body's length as sent (more than {@code body.length} when streamed)
   * @param stream what every byte of a streamed body went through, or null
   */
  public record Request(
      String method,
      String path,
      String query,
      Map<String, List<String>> headers,
      byte[] body,
      String remote,
      long length,
      BodyStream stream) {
    /** A request whose body is held whole. */
    public Request(
        String method,
        String path,
        String query,
        Map<String, List<String>> headers,
        byte[] body,
        String remote) {
      this(method, path, query, headers, body, remote, body.length, null);
    }

    /** True when the body was streamed and only its first part is in {@link #body}. */
    public boolean streamed() {
      return stream != null;
    }

    /** The first value of a header (name in any case), if sent. */
    public Optional<String> header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }
  }

  /**
   * An answer.
   *
   * @param status the status code
   * @param contentType the media type of the body
   * @param body the body; sent without it for {@code HEAD}
   * @param headers extra headers
   */
  public record Response(
      int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
    /** An answer without extra headers. */
    public Response(int status, String contentType, byte[] body) {
      this(status, contentType, body, List.of());
    }

    /** A plain-text answer. */
    public static Response text(int status, String body) {
      return new Response(
          status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), List.of());
    }
  }

  /** Answers a request. */
  public interface Handler {
    /**
     * Builds the answer; a {@link RuntimeException} or {@link IOException} is answered 500.
     *
     * @throws InterruptedException when the server is stopping
     */
    Response handle(Request request) throws IOException, InterruptedException;

    /** Told about a request the server answered itself (400, 411, 413, 431, 503). */
    default void rejected(int status) {}

    /**
     * For a request whose body is larger than {@link Limits#maxBody} (up to {@link
     * Limits#maxStreamedBody}): what every byte of the body is to go through as it arrives (a
     * signature check); the request is then handled with the first {@code maxBody} bytes and the
     * stream. Empty (the default) refuses the body with 413.
     *
     * @param head the request with an empty body
     */
    default Optional<BodyStream> stream(Request head) {
      return Optional.empty();
    }
  }

  /** Takes a streamed body's bytes, in order, as they arrive, on the server's thread. */
  public interface BodyStream {
    /** The next bytes of the body. */
    void update(byte[] b, int off, int len);
  }

  /**
   * After an answer that closes the connection, how long and how much of what the client still
   * sends is read and dropped before closing: closing with data unread makes the kernel reset the
   * connection, and a client still writing its body (most do, before they read) then loses the
   * answer (Apache's "lingering close").
   */
  private static final long LINGER_NANOS = Duration.ofSeconds(2).toNanos();

  private static final long LINGER_BYTES = 48L * 1024 * 1024;

  private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
  private static final int INITIAL_BUFFER = 1024;

  /** Room beyond the kept first part of a streamed body, for what each read brings. */
  private static final int STREAM_SCRATCH = 64 * 1024;

  /** The slowest a streamed body may arrive, in bytes a second, before its deadline cuts it. */
  private static final long STREAM_MIN_RATE = 256 * 1024;

  private static final long TICK_MILLIS = 200;

  private final Limits limits;
  private final Handler handler;
  private final Predicate<Request> slow;
  private final ServerSocketChannel server;
  private final Selector selector;
  private final Thread thread;
  private final ThreadPoolExecutor slowPool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Set<Conn> conns = Collections.newSetFromMap(new LinkedHashMap<>());
  private volatile boolean running = true;
  private volatile int open;
  private long buffered;

  /**
   * Binds {@code address} (it starts serving at {@link #start()}).
   *
   * @param name the name of the selector thread; slow workers are {@code name-slow-N}
   * @throws IOException when the address cannot be bound
   */
  public NioHttpServer(
      InetSocketAddress address,
      Limits limits,
      String name,
      Handler handler,
      Predicate<Request> slow)
      throws IOException {
    this.limits = limits;
    this.handler = handler;
    this.slow = slow;
    this.selector = Selector.open();
    this.server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, 128);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      server.close();
      selector.close();
      throw e;
    }
    AtomicInteger n = new AtomicInteger();
    this.slowPool =
        new ThreadPoolExecutor(
            0,
            limits.slowThreads(),
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-slow-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.thread = new Thread(this::loop, name);
    this.thread.setDaemon(true);
  }

  /** Starts serving. */
  public void start() {
    thread.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    try {
      return ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (IOException e) {
      return -1;
    }
  }

  /** How many connections are open (for tests and metrics; read without locking). */
  int openConnections() {
    return open;
  }

  /** What is known of one connection. */
  private final class Conn {
    final SocketChannel ch;
    final SelectionKey key;
    final String remote;
    final long opened = System.nanoTime();
    ByteBuffer in = ByteBuffer.allocate(INITIAL_BUFFER);
    ByteBuffer out;
    boolean handling;
    boolean closeAfterWrite;
    boolean sentContinue;
    boolean lingering;
    long drained;
    long deadline;
    long waitingSince;

    /** How far the buffer was searched for the end of the head (each byte is looked at once). */
    int scanned;

    /** The head of the request being received, once complete. */
    Head head;

    int headEnd;

    /** When this request's first byte came (or the connection opened), for eviction. */
    long requestStart = opened;

    /** A streamed body: where its bytes go, its length, and how many went there. */
    BodyStream stream;

    long streamLength;
    long streamed;

    Conn(SocketChannel ch, SelectionKey key, String remote) {
      this.ch = ch;
      this.key = key;
      this.remote = remote;
      this.waitingSince = opened;
      this.deadline = opened + limits.headTimeout().toNanos();
    }

    boolean waitingForRequest() {
      return !handling && out == null;
    }
  }

  private void loop() {
    try {
      while (running) {
        selector.select(TICK_MILLIS);
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        for (SelectionKey k : selector.selectedKeys()) {
          try {
            if (!k.isValid()) {
              continue;
            }
            if (k.isAcceptable()) {
              accept();
            } else {
              Conn c = (Conn) k.attachment();
              if (k.isReadable()) {
                read(c);
              }
              if (k.isValid() && k.isWritable()) {
                write(c);
              }
            }
          } catch (IOException | RuntimeException e) {
            if (k.attachment() instanceof Conn) {
              close((Conn) k.attachment());
            }
          }
        }
        selector.selectedKeys().clear();
        expire();
      }
    } catch (IOException | RuntimeException e) {
      // The selector itself failed; nothing is left to serve with.
    } finally {
      for (Conn c : new ArrayList<>(conns)) {
        close(c);
      }
    }
  }

  private void accept() throws IOException {
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      if (conns.size() >= limits.maxConnections() && !evictOldestWaiting()) {
        ch.close();
        continue;
      }
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      SelectionKey k = ch.register(selector, SelectionKey.OP_READ);
      String remote = String.valueOf(ch.getRemoteAddress());
      Conn c = new Conn(ch, k, remote);
      buffered += c.in.capacity();
      k.attach(c);
      conns.add(c);
      open = conns.size();
    }
  }

  /**
   * Closes the waiting connection that is least worth keeping; false when there is none. Idle ones
   * (nothing of a request received) go first, the longest idle first; then the one whose request
   * arrives slowest (bytes per second since its first byte), so that a flood of new connections or
   * of slowly trickled heads cannot push out a genuine request still arriving over a slow link.
   */
  private boolean evictOldestWaiting() {
    Conn victim = null;
    double victimRate = Double.MAX_VALUE;
    long now = System.nanoTime();
    for (Conn c : conns) {
      if (!c.waitingForRequest() || c.lingering) {
        continue;
      }
      int got = c.in.position();
      double rate = got == 0 ? 0 : got / Math.max(1e-3, (now - c.requestStart) / 1e9);
      if (victim == null
          || rate < victimRate
          || rate == victimRate && c.waitingSince < victim.waitingSince) {
        victim = c;
        victimRate = rate;
      }
    }
    if (victim == null) {
      return false;
    }
    close(victim);
    return true;
  }

  /**
   * Frees buffer space for {@code needed} more bytes by closing idle connections (kept alive, no
   * request begun), the longest idle first; true when the space is there.
   */
  private boolean evictIdleFor(long needed, Conn keep) {
    while (buffered + needed > limits.maxBuffered()) {
      Conn idle = null;
      for (Conn c : conns) {
        if (c != keep
            && c.waitingForRequest()
            && c.in.position() == 0
            && (idle == null || c.waitingSince < idle.waitingSince)) {
          idle = c;
        }
      }
      if (idle == null) {
        return false;
      }
      close(idle);
    }
    return true;
  }

  private void expire() {
    long now = System.nanoTime();
    for (Conn c : new ArrayList<>(conns)) {
      if (!c.handling && now - c.deadline > 0) {
        close(c);
      }
    }
  }

  private void read(Conn c) throws IOException {
    if (c.lingering) {
      drain(c);
      return;
    }
    if (!c.in.hasRemaining()) {
      int cap = c.in.capacity();
      int max = limits.maxHead() + limits.maxBody() + (c.stream != null ? STREAM_SCRATCH : 0);
      if (cap >= max) {
        refuse(c, 413, "request too large");
        return;
      }
      int grown = Math.min(max, cap * 2);
      if (buffered + grown - cap > limits.maxBuffered() && !evictIdleFor(grown - cap, c)) {
        refuse(c, 503, "busy: too much request data in flight");
        return;
      }
      buffered += grown - cap;
      ByteBuffer bigger = ByteBuffer.allocate(grown);
      c.in.flip();
      bigger.put(c.in);
      c.in = bigger;
    }
    boolean wasEmpty = c.in.position() == 0;
    int n = c.ch.read(c.in);
    if (n < 0) {
      close(c);
      return;
    }
    if (n > 0 && wasEmpty && c.waitingForRequest()) {
      // The first byte of a request: its head and body must follow within the head timeout.
      c.requestStart = System.nanoTime();
      c.deadline = c.requestStart + limits.headTimeout().toNanos();
    }
    parse(c);
  }

  /**
   * Parses a complete request from the buffer, if there is one, and dispatches it. The search for
   * the end of the head resumes where it stopped and the head is parsed once, so a client that
   * trickles its request a byte at a time costs linear work, not a rescan per byte.
   */
  private void parse(Conn c) {
    if (c.head == null && !readHead(c)) {
      return;
    }
    Head head = c.head;
    int headEnd = c.headEnd;
    if (head.headers.containsKey("transfer-encoding")) {
      refuse(c, 411, "a Content-Length is required");
      return;
    }
    long length;
    try {
      length = head.contentLength();
    } catch (IllegalArgumentException e) {
      refuse(c, 400, "bad request: " + e.getMessage());
      return;
    }
    if (length > limits.maxBody() && c.stream == null && !startStream(c, head, length)) {
      return;
    }
    if (c.stream != null) {
      streamBody(c, head, headEnd);
      return;
    }
    if (c.in.position() - headEnd < length) {
      continueIfExpected(c, head);
      return;
    }
    complete(c, head, headEnd, (int) length);
  }

  /** Finds and parses the head, once it is all there; false while incomplete or when refused. */
  private boolean readHead(Conn c) {
    byte[] buf = c.in.array();
    int len = c.in.position();
    int headEnd = headEnd(buf, len, c.scanned);
    c.scanned = Math.max(0, len - 2);
    if (headEnd < 0 ? len >= limits.maxHead() : headEnd > limits.maxHead()) {
      refuse(c, 431, "request header fields too large");
      return false;
    }
    if (headEnd < 0) {
      return false;
    }
    try {
      c.head = Head.parse(new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1));
    } catch (IllegalArgumentException e) {
      refuse(c, 400, "bad request: " + e.getMessage());
      return false;
    }
    c.headEnd = headEnd;
    return true;
  }

  /**
   * A body over {@link Limits#maxBody}: streamed through the handler if it takes it (and it is
   * within {@link Limits#maxStreamedBody}), else refused 413; false when refused.
   */
  private boolean startStream(Conn c, Head head, long length) {
    Optional<BodyStream> bs = Optional.empty();
    if (length <= limits.maxStreamedBody()) {
      bs =
          handler.stream(
              new Request(
                  head.method,
                  head.path,
                  head.query,
                  head.headers,
                  new byte[0],
                  c.remote,
                  length,
                  null));
    }
    if (bs.isEmpty()) {
      long max = length > limits.maxStreamedBody() ? limits.maxStreamedBody() : limits.maxBody();
      refuse(c, 413, "request body too large (at most " + max + " bytes)");
      return false;
    }
    c.stream = bs.get();
    c.streamLength = length;
    c.streamed = 0;
    c.deadline =
        c.requestStart + limits.headTimeout().toNanos() + length * 1_000_000_000L / STREAM_MIN_RATE;
    return true;
  }

  /**
   * A request whose body is all in the buffer: handled; what follows it (a pipelined request) is
   * kept for later, in a buffer no bigger than it needs, so what a request grew returns to the pool
   * as soon as the request is complete.
   */
  private void complete(Conn c, Head head, int headEnd, int length) {
    byte[] buf = c.in.array();
    int len = c.in.position();
    byte[] body = new byte[length];
    System.arraycopy(buf, headEnd, body, 0, length);
    int rest = len - headEnd - length;
    int keep = Math.max(INITIAL_BUFFER, Integer.highestOneBit(Math.max(1, rest)) * 2);
    if (keep < c.in.capacity()) {
      ByteBuffer smaller = ByteBuffer.allocate(keep);
      smaller.put(buf, headEnd + length, rest);
      buffered -= c.in.capacity() - keep;
      c.in = smaller;
    } else {
      System.arraycopy(buf, headEnd + length, buf, 0, rest);
      c.in.position(rest);
    }
    c.head = null;
    c.scanned = 0;
    c.sentContinue = false;
    boolean keepAlive =
        head.version.equals("HTTP/1.1")
            && !head.first("connection").map(v -> v.equalsIgnoreCase("close")).orElse(false);
    Request r = new Request(head.method, head.path, head.query, head.headers, body, c.remote);
    dispatch(c, r, keepAlive);
  }

  /**
   * Sends {@code 100 Continue} once to an HTTP/1.1 client that asked for it before its body; false
   * when the connection failed (and was closed).
   */
  private boolean continueIfExpected(Conn c, Head head) {
    boolean expects =
        head.first("expect").map(v -> v.equalsIgnoreCase("100-continue")).orElse(false);
    if (expects && !c.sentContinue && head.version.equals("HTTP/1.1")) {
      c.sentContinue = true;
      try {
        c.ch.write(
            ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      } catch (IOException e) {
        close(c);
        return false;
      }
    }
    return true;
  }

  /**
   * A streamed body: the bytes that came since the last read go to the handler's stream; only the
   * first {@link Limits#maxBody} are kept in the buffer. Once the whole body went through, the
   * request is handled, and the connection closes after the answer (what a client sends after a
   * streamed body is not read).
   */
  private void streamBody(Conn c, Head head, int headEnd) {
    if (!continueIfExpected(c, head)) {
      return;
    }
    byte[] buf = c.in.array();
    int len = c.in.position();
    int kept = (int) Math.min(c.streamed, limits.maxBody());
    int fresh = len - headEnd - kept;
    int take = (int) Math.min(fresh, c.streamLength - c.streamed);
    if (take > 0) {
      c.stream.update(buf, headEnd + kept, take);
      c.streamed += take;
    }
    int keep = (int) Math.min(c.streamed, limits.maxBody());
    c.in.position(headEnd + keep);
    if (c.streamed < c.streamLength) {
      return;
    }
    byte[] prefix = new byte[keep];
    System.arraycopy(buf, headEnd, prefix, 0, keep);
    Request r =
        new Request(
            head.method,
            head.path,
            head.query,
            head.headers,
            prefix,
            c.remote,
            c.streamLength,
            c.stream);
    c.in = ByteBuffer.allocate(INITIAL_BUFFER);
    buffered -= buf.length - INITIAL_BUFFER;
    c.head = null;
    c.scanned = 0;
    c.stream = null;
    c.sentContinue = false;
    dispatch(c, r, false);
  }

  private void dispatch(Conn c, Request r, boolean keepAlive) {
    boolean isHead = r.method().equals("HEAD");
    c.handling = true;
    c.key.interestOps(0);
    if (!slow.test(r)) {
      respond(c, call(r), isHead, !keepAlive);
      return;
    }
    try {
      slowPool.execute(
          () -> {
            Response resp = call(r);
            tasks.add(
                () -> {
                  if (conns.contains(c)) {
                    respond(c, resp, isHead, !keepAlive);
                  }
                });
            selector.wakeup();
          });
    } catch (RejectedExecutionException busy) {
      respond(
          c,
          new Response(
              429,
              "text/plain; charset=utf-8",
              "too many slow requests in progress; try again later\n"
                  .getBytes(StandardCharsets.UTF_8),
              List.of(Map.entry("Retry-After", "10"))),
          isHead,
          !keepAlive);
    }
  }

  private Response call(Request r) {
    try {
      return handler.handle(r);
    } catch (IOException | RuntimeException e) {
      return Response.text(500, "internal error");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Response.text(503, "shutting down");
    }
  }

  /** An answer the server makes itself, without the handler. */
  private void refuse(Conn c, int status, String text) {
    handler.rejected(status);
    respond(c, Response.text(status, text), false, true);
  }

  private void respond(Conn c, Response r, boolean head, boolean closeAsked) {
    // A handler closes the connection by answering with "Connection: close" (a refused sender
    // loses its connection, and with it whatever its buffer had grown to).
    boolean handlerCloses =
        r.headers().stream()
            .anyMatch(
                h ->
                    h.getKey().equalsIgnoreCase("Connection")
                        && h.getValue().equalsIgnoreCase("close"));
    boolean close = closeAsked || handlerCloses;
    StringBuilder sb = new StringBuilder(160);
    sb.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
    sb.append("Content-Type: ").append(r.contentType()).append("\r\n");
    sb.append("Content-Length: ").append(r.body().length).append("\r\n");
    sb.append("Date: ").append(DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
    for (Map.Entry<String, String> h : r.headers()) {
      sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    if (close && !handlerCloses) {
      sb.append("Connection: close\r\n");
    }
    sb.append("\r\n");
    byte[] h = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    int bodyLen = head ? 0 : r.body().length;
    ByteBuffer out = ByteBuffer.allocate(h.length + bodyLen);
    out.put(h);
    out.put(r.body(), 0, bodyLen);
    out.flip();
    c.out = out;
    c.handling = false;
    c.closeAfterWrite = close;
    c.deadline = System.nanoTime() + limits.writeTimeout().toNanos();
    try {
      write(c);
    } catch (IOException e) {
      close(c);
    }
  }

  private void write(Conn c) throws IOException {
    if (c.out == null) {
      return;
    }
    c.ch.write(c.out);
    if (c.out.hasRemaining()) {
      c.key.interestOps(SelectionKey.OP_WRITE);
      return;
    }
    c.out = null;
    if (c.closeAfterWrite) {
      linger(c);
      return;
    }
    long now = System.nanoTime();
    c.waitingSince = now;
    c.deadline =
        now + (c.in.position() > 0 ? limits.headTimeout() : limits.idleTimeout()).toNanos();
    c.key.interestOps(SelectionKey.OP_READ);
    if (c.in.position() > 0) {
      // A pipelined request is waiting: parse it on the next turn of the loop, not recursively.
      tasks.add(
          () -> {
            if (conns.contains(c) && c.waitingForRequest()) {
              parse(c);
            }
          });
      selector.wakeup(); // So the task runs now, not at the next tick.
    }
  }

  /** Stops sending, then drains what the client still sends (see {@link #LINGER_NANOS}). */
  private void linger(Conn c) {
    try {
      c.ch.shutdownOutput();
    } catch (IOException e) {
      close(c);
      return;
    }
    c.lingering = true;
    c.in.clear();
    c.deadline = System.nanoTime() + LINGER_NANOS;
    c.key.interestOps(SelectionKey.OP_READ);
  }

  private void drain(Conn c) throws IOException {
    c.in.clear();
    int n = c.ch.read(c.in);
    c.drained += Math.max(0, n);
    if (n < 0 || c.drained > LINGER_BYTES) {
      close(c);
    }
  }

  private void close(Conn c) {
    if (conns.remove(c)) {
      buffered -= c.in.capacity();
    }
    open = conns.size();
    c.key.cancel();
    try {
      c.ch.close();
    } catch (IOException ignored) {
      // Closing is all that is left to do.
    }
  }

  /** The offset just past the blank line that ends the head, or -1; searched from {@code from}. */
  static int headEnd(byte[] b, int len, int from) {
    for (int i = from; i < len; i++) {
      if (b[i] != '\n') {
        continue;
      }
      if (i + 1 < len && b[i + 1] == '\n') {
        return i + 2;
      }
      if (i + 2 < len && b[i + 1] == '\r' && b[i + 2] == '\n') {
        return i + 3;
      }
    }
    return -1;
  }

  /** A parsed request head. */
  static final class Head {
    String method;
    String path;
    String query;
    String version;
    final Map<String, List<String>> headers = new LinkedHashMap<>();

    static Head parse(String text) {
      String[] lines = text.split("\r?\n");
      if (lines.length == 0 || lines[0].isEmpty()) {
        // Found by HttpHeadFuzzTest: a head of blank lines only had no request line to read.
        throw new IllegalArgumentException("malformed request line");
      }
      String[] first = lines[0].split(" ", -1);
      if (first.length != 3 || !first[0].matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        throw new IllegalArgumentException("malformed request line");
      }
      if (!first[2].equals("HTTP/1.1") && !first[2].equals("HTTP/1.0")) {
        throw new IllegalArgumentException("unsupported protocol version");
      }
      Head h = new Head();
      h.method = first[0];
      h.version = first[2];
      String target = first[1];
      if (!target.startsWith("/")) {
        throw new IllegalArgumentException("request target must be a path");
      }
      int q = target.indexOf('?');
      h.path = q < 0 ? target : target.substring(0, q);
      h.query = q < 0 ? "" : target.substring(q + 1);
      if (lines.length > 101) {
        throw new IllegalArgumentException("too many header fields");
      }
      for (int i = 1; i < lines.length; i++) {
        String l = lines[i];
        if (l.isEmpty()) {
          continue;
        }
        int colon = l.indexOf(':');
        if (colon <= 0 || !isToken(l, 0, colon)) {
          // RFC 9112 §5.1: no white space between a field name and its colon (a 400), and a
          // name is a token.
          throw new IllegalArgumentException("malformed header field");
        }
        String name = l.substring(0, colon).toLowerCase(Locale.ROOT);
        h.headers.computeIfAbsent(name, k -> new ArrayList<>()).add(l.substring(colon + 1).trim());
      }
      return h;
    }

    static boolean isToken(String s, int from, int to) {
      for (int i = from; i < to; i++) {
        char ch = s.charAt(i);
        boolean ok =
            ch >= 'a' && ch <= 'z'
                || ch >= 'A' && ch <= 'Z'
                || ch >= '0' && ch <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(ch) >= 0;
        if (!ok) {
          return false;
        }
      }
      return to > from;
    }

    Optional<String> first(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    long contentLength() {
      List<String> v = headers.get("content-length");
      if (v == null) {
        return 0;
      }
      if (v.size() != 1 || !v.get(0).matches("[0-9]{1,12}")) {
        throw new IllegalArgumentException("invalid Content-Length");
      }
      return Long.parseLong(v.get(0));
    }
  }

  private static String reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 202:
        return "Accepted";
      case 204:
        return "No Content";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 404:
        return "Not Found";
      case 405:
        return "Method Not Allowed";
      case 411:
        return "Length Required";
      case 413:
        return "Content Too Large";
      case 429:
        return "Too Many Requests";
      case 431:
        return "Request Header Fields Too Large";
      case 500:
        return "Internal Server Error";
      case 503:
        return "Service Unavailable";
      default:
        return "Status " + status;
    }
  }

  /** Stops serving: in-flight slow requests are interrupted, connections closed. */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    slowPool.shutdownNow();
    try {
      server.close();
      selector.close();
    } catch (IOException | RuntimeException ignored) {
      // Nothing more to release.
    }
  }
}
