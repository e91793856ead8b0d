package dev.gitsync.kube;

import dev.gitsync.json.JsonStrings;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code coordination.k8s.io/v1} Lease, as much of it as leader election reads and writes.
 *
 * @param name {@code metadata.name}
 * @param resourceVersion {@code metadata.resourceVersion} (opaque; empty on create)
 * @param annotations {@code metadata.annotations}
 * @param holder {@code spec.holderIdentity} (empty: free)
 * @param durationSeconds {@code spec.leaseDurationSeconds}
 * @param acquireTime {@code spec.acquireTime}, or null
 * @param renewTime {@code spec.renewTime}, or null
 * @param transitions {@code spec.leaseTransitions}
 */
public record Lease(
    String name,
    String resourceVersion,
    Map<String, String> annotations,
    String holder,
    int durationSeconds,
    Instant acquireTime,
    Instant renewTime,
    int transitions) {
  /** MicroTime as the API server writes and parses it: UTC, exactly six fractional digits. */
  static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** Copies the annotations. */
  public Lease {
    annotations = Map.copyOf(annotations);
  }

  /** The spec alone, as compared to tell whether the record changed (client-go compares it). */
  String spec() {
    return holder + "|" + durationSeconds + "|" + acquireTime + "|" + renewTime + "|" + transitions;
  }

  /** The object as JSON, for a POST (without resourceVersion) or a PUT (with it). */
  String toJson(String namespace) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{");
    field(sb, "name", name).append(',');
    field(sb, "namespace", namespace);
    if (!resourceVersion.isEmpty()) {
      sb.append(',');
      field(sb, "resourceVersion", resourceVersion);
    }
    if (!annotations.isEmpty()) {
      sb.append(",\"annotations\":{");
      boolean first = true;
      for (Map.Entry<String, String> a : new java.util.TreeMap<>(annotations).entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        field(sb, a.getKey(), a.getValue());
      }
      sb.append('}');
    }
    sb.append("},\"spec\":{");
    field(sb, "holderIdentity", holder).append(',');
    sb.append("\"leaseDurationSeconds\":").append(durationSeconds).append(',');
    time(sb, "acquireTime", acquireTime).append(',');
    time(sb, "renewTime", renewTime).append(',');
    sb.append("\"leaseTransitions\":").append(transitions).append("}}");
    return sb.toString();
  }

  private static StringBuilder field(StringBuilder sb, String k, String v) {
    sb.append('"');
    JsonStrings.escape(sb, k);
    sb.append("\":\"");
    JsonStrings.escape(sb, v);
    return sb.append('"');
  }

  private static StringBuilder time(StringBuilder sb, String k, Instant t) {
    sb.append('"').append(k).append("\":");
    return t == null ? sb.append("null") : sb.append('"').append(MICRO.format(t)).append('"');
  }

  /**
   * Reads a Lease from the API's JSON.
   *
   * @throws IllegalArgumentException when it is not a Lease
   */
  static Lease fromJson(Map<String, Object> o) {
    Map<?, ?> meta = map(o.get("metadata"));
    Map<?, ?> spec = map(o.get("spec"));
    if (!"Lease".equals(o.get("kind")) && meta.isEmpty()) {
      throw new IllegalArgumentException("not a Lease");
    }
    Map<String, String> ann = new LinkedHashMap<>();
    map(meta.get("annotations"))
        .forEach(
            (k, v) -> {
              if (k instanceof String && v instanceof String) {
                ann.put((String) k, (String) v);
              }
            });
    return new Lease(
        str(meta.get("name")),
        str(meta.get("resourceVersion")),
        ann,
        str(spec.get("holderIdentity")),
        num(spec.get("leaseDurationSeconds")),
        instant(spec.get("acquireTime")).orElse(null),
        instant(spec.get("renewTime")).orElse(null),
        num(spec.get("leaseTransitions")));
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map ? (Map<?, ?>) o : Map.of();
  }

  private static String str(Object o) {
    return o instanceof String ? (String) o : "";
  }

  private static int num(Object o) {
    return o instanceof Number ? ((Number) o).intValue() : 0;
  }

  private static Optional<Instant> instant(Object o) {
    if (!(o instanceof String)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse((String) o));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
