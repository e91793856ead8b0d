package dev.gitsync.http;

import dev.gitsync.fs.BoundedFiles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.ObjectName;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
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

  NioHttpServer.Response serve(String path, String query) throws IOException, InterruptedException {
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
        return profile(seconds(query));
      default:
        return AdminServer.text(404, "404 page not found\n\n" + INDEX);
    }
  }

  private static int seconds(String query) {
    if (!query.isEmpty()) {
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

  /**
   * The events a CPU and allocation profile needs, and nothing else. JFR's stock "profile" settings
   * also record the environment ({@code jdk.InitialEnvironmentVariable}: the password, the
   * notification URLs), the command line ({@code jdk.JVMInformation}: every flag), the system
   * properties and every process on the host; here every event type starts disabled and only these
   * are turned on.
   */
  static final Map<String, String> SAMPLES =
      Map.of(
          "jdk.ExecutionSample", "10 ms",
          "jdk.NativeMethodSample", "20 ms",
          "jdk.ObjectAllocationSample", "",
          "jdk.GarbageCollection", "",
          "jdk.GCHeapSummary", "",
          "jdk.CPULoad", "1 s",
          "jdk.ThreadCPULoad", "1 s");

  static Map<String, String> profileSettings() {
    Map<String, String> settings = new HashMap<>();
    for (EventType t : FlightRecorder.getFlightRecorder().getEventTypes()) {
      settings.put(t.getName() + "#enabled", "false");
    }
    SAMPLES.forEach(
        (name, period) -> {
          settings.put(name + "#enabled", "true");
          if (!period.isEmpty()) {
            settings.put(name + "#period", period);
          }
        });
    settings.put("jdk.ObjectAllocationSample#throttle", "150/s");
    settings.put("jdk.GarbageCollection#threshold", "0 ms");
    return settings;
  }

  private static NioHttpServer.Response profile(int seconds)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile("git-sync-profile", ".jfr");
    try {
      try (Recording r = new Recording(profileSettings())) {
        r.start();
        TimeUnit.SECONDS.sleep(seconds);
        r.stop();
        r.dump(file);
      }
      return new NioHttpServer.Response(
          200, "application/octet-stream", BoundedFiles.readBytes(file, MAX_PROFILE));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static final int MAX_PROFILE = 64 * 1024 * 1024;
}
