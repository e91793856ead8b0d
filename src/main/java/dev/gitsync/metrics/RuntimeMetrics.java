package dev.gitsync.metrics;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Process metrics under the standard {@code process_*} names (read from /proc, as the Go and Java
 * clients do) and JVM metrics under the Java client's {@code jvm_*} names.
 */
final class RuntimeMetrics {
  private static final double PAGE = 4096;

  void write(StringBuilder sb) {
    writeProcess(sb);
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
    header(sb, "jvm_memory_bytes_used", "Used bytes of a given JVM memory area.", "gauge");
    Family.sample(sb, "jvm_memory_bytes_used", "{area=\"heap\"}", heap.getUsed());
    Family.sample(sb, "jvm_memory_bytes_used", "{area=\"nonheap\"}", nonHeap.getUsed());
    header(
        sb, "jvm_memory_bytes_committed", "Committed (bytes) of a given JVM memory area.", "gauge");
    Family.sample(sb, "jvm_memory_bytes_committed", "{area=\"heap\"}", heap.getCommitted());
    Family.sample(sb, "jvm_memory_bytes_committed", "{area=\"nonheap\"}", nonHeap.getCommitted());
    header(sb, "jvm_memory_bytes_max", "Max (bytes) of a given JVM memory area.", "gauge");
    Family.sample(sb, "jvm_memory_bytes_max", "{area=\"heap\"}", heap.getMax());
    header(sb, "jvm_threads_current", "Current thread count of a JVM", "gauge");
    Family.sample(
        sb, "jvm_threads_current", "", ManagementFactory.getThreadMXBean().getThreadCount());
    List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
    header(
        sb,
        "jvm_gc_collection_seconds",
        "Time spent in a given JVM garbage collector in" + " seconds.",
        "summary");
    for (GarbageCollectorMXBean gc : gcs) {
      String l = "{gc=\"" + gc.getName() + "\"}";
      Family.sample(sb, "jvm_gc_collection_seconds_count", l, gc.getCollectionCount());
      Family.sample(sb, "jvm_gc_collection_seconds_sum", l, gc.getCollectionTime() / 1000.0);
    }
  }

  private static void writeProcess(StringBuilder sb) {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      double ticks = 100.0;
      double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticks;
      header(
          sb,
          "process_cpu_seconds_total",
          "Total user and system CPU time spent in seconds.",
          "counter");
      Family.sample(sb, "process_cpu_seconds_total", "", cpu);
      long open;
      try (var s = Files.list(Path.of("/proc/self/fd"))) {
        open = s.count();
      }
      header(sb, "process_open_fds", "Number of open file descriptors.", "gauge");
      Family.sample(sb, "process_open_fds", "", open);
      header(sb, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
      Family.sample(sb, "process_resident_memory_bytes", "", Long.parseLong(f[21]) * PAGE);
      header(sb, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge");
      Family.sample(sb, "process_virtual_memory_bytes", "", Long.parseLong(f[20]));
      header(
          sb,
          "process_start_time_seconds",
          "Start time of the process since unix epoch in seconds.",
          "gauge");
      Family.sample(
          sb,
          "process_start_time_seconds",
          "",
          ProcessHandle.current()
              .info()
              .startInstant()
              .map(i -> i.toEpochMilli() / 1000.0)
              .orElse(0.0));
    } catch (IOException | RuntimeException e) {
      // Not on Linux: no process metrics, as the Go client does elsewhere.
    }
  }

  private static void header(StringBuilder sb, String name, String help, String type) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
