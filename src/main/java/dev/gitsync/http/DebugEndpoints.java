package dev.gitsync.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.ObjectName;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The JVM's equivalents of Go's pprof endpoints, under {@code /debug/pprof/}: {@code goroutine} (a
 * thread dump), {@code heap} (a class histogram), and {@code profile?seconds=N} (a Java Flight
 * Recorder recording with the "profile" settings, which samples CPU; 1 to 60 s, default 10).
 */
final class DebugEndpoints {
  private static final String INDEX =
      "git-sync debug endpoints (JVM equivalents of Go's pprof):\n"
          + "  /debug/pprof/goroutine          thread dump of all threads\n"
          + "  /debug/pprof/heap               heap class histogram (runs a full GC)\n"
          + "  /debug/pprof/profile?seconds=N  JFR CPU profile, N in 1..60 (default 10);\n"
          + "                                  read it with 'jfr print' or JDK Mission Control\n";

  AdminServer.Reply serve(HttpExchange ex) throws IOException, InterruptedException {
    String path = ex.getRequestURI().getPath();
    switch (path) {
      case "/debug/pprof":
      case "/debug/pprof/":
        return AdminServer.text(200, INDEX);
      case "/debug/pprof/goroutine":
      case "/debug/pprof/threads":
        return AdminServer.text(200, threadDump());
      case "/debug/pprof/heap":
        return AdminServer.text(200, diagnostic("gcClassHistogram"));
      case "/debug/pprof/profile":
        return profile(seconds(ex.getRequestURI().getQuery()));
      default:
        return AdminServer.text(404, "404 page not found\n\n" + INDEX);
    }
  }

  private static int seconds(String query) {
    if (query != null) {
      for (String kv : query.split("&")) {
        if (kv.startsWith("seconds=")) {
          try {
            return Math.max(1, Math.min(60, Integer.parseInt(kv.substring(8))));
          } catch (NumberFormatException e) {
            return 10;
          }
        }
      }
    }
    return 10;
  }

  private static String threadDump() {
    StringBuilder sb = new StringBuilder();
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      sb.append('"')
          .append(t.getThreadName())
          .append("\" #")
          .append(t.getThreadId())
          .append(' ')
          .append(t.getThreadState())
          .append('\n');
      for (StackTraceElement e : t.getStackTrace()) {
        sb.append("\tat ").append(e).append('\n');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String diagnostic(String command) throws IOException {
    try {
      Object out =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  command,
                  new Object[] {new String[0]},
                  new String[] {String[].class.getName()});
      return String.valueOf(out);
    } catch (JMException e) {
      throw new IOException("diagnostic command " + command + " failed: " + e.getMessage(), e);
    }
  }

  private static AdminServer.Reply profile(int seconds) throws IOException, InterruptedException {
    Path file = Files.createTempFile("git-sync-profile", ".jfr");
    try {
      try (Recording r = new Recording(Configuration.getConfiguration("profile"))) {
        r.start();
        TimeUnit.SECONDS.sleep(seconds);
        r.stop();
        r.dump(file);
      } catch (java.text.ParseException e) {
        throw new IOException("JFR profile settings unavailable: " + e.getMessage(), e);
      }
      return new AdminServer.Reply(200, "application/octet-stream", Files.readAllBytes(file));
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
