package dev.gitsync.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * One metric family with fixed label names: a counter, a gauge, or a summary without quantiles
 * (what upstream's Go client exposes: {@code _sum} and {@code _count}). Series appear once they are
 * first used, as in the Go client.
 */
final class Family {
  enum Type {
    COUNTER,
    GAUGE,
    SUMMARY
  }

  final String name;
  final String help;
  final Type type;
  final List<String> labels;
  private final Map<List<String>, DoubleAdder> values = new ConcurrentHashMap<>();
  private final Map<List<String>, DoubleAdder> counts = new ConcurrentHashMap<>();

  Family(String name, String help, Type type, String... labels) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.labels = List.of(labels);
  }

  void add(double v, String... labelValues) {
    values.computeIfAbsent(key(labelValues), k -> new DoubleAdder()).add(v);
  }

  void observe(double v, String... labelValues) {
    List<String> k = key(labelValues);
    values.computeIfAbsent(k, x -> new DoubleAdder()).add(v);
    counts.computeIfAbsent(k, x -> new DoubleAdder()).add(1);
  }

  void set(double v, String... labelValues) {
    if (type == Type.GAUGE && labels.isEmpty()) {
      values.clear();
    }
    DoubleAdder a = new DoubleAdder();
    a.add(v);
    values.put(key(labelValues), a);
  }

  void clear() {
    values.clear();
    counts.clear();
  }

  private List<String> key(String[] labelValues) {
    if (labelValues.length != labels.size()) {
      throw new IllegalArgumentException(name + " takes labels " + labels);
    }
    return List.of(labelValues);
  }

  void write(StringBuilder sb) {
    if (values.isEmpty()) {
      return;
    }
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type.name().toLowerCase()).append('\n');
    Map<String, List<String>> sorted = new TreeMap<>();
    values.keySet().forEach(k -> sorted.put(String.join("\u0000", k), k));
    for (List<String> k : sorted.values()) {
      String l = labelText(k);
      if (type == Type.SUMMARY) {
        sample(sb, name + "_sum", l, values.get(k).sum());
        sample(sb, name + "_count", l, counts.get(k).sum());
      } else {
        sample(sb, name, l, values.get(k).sum());
      }
    }
  }

  private String labelText(List<String> k) {
    if (labels.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < labels.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(labels.get(i)).append("=\"").append(escape(k.get(i))).append('"');
    }
    return sb.append('}').toString();
  }

  static void sample(StringBuilder sb, String name, String labels, double v) {
    sb.append(name).append(labels).append(' ').append(GoFloat.format(v)).append('\n');
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
