package dev.gitsync.kube;

import dev.gitsync.json.JsonWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@code coordination.k8s.io/v1} Lease, as much of it as leader election reads and writes, and
 * the object it was read from: a write changes the fields leader election owns in the object last
 * read and keeps everything else (labels, ownerReferences, finalizers, spec fields it does not know
 * such as {@code strategy} and {@code preferredHolder}), as client-go's LeaseLock does.
 *
 * @param name {@code metadata.name}
 * @param resourceVersion {@code metadata.resourceVersion} (opaque; empty on create)
 * @param annotations {@code metadata.annotations}
 * @param holder {@code spec.holderIdentity} (empty: free)
 * @param durationSeconds {@code spec.leaseDurationSeconds}
 * @param acquireTime {@code spec.acquireTime}, or null
 * @param renewTime {@code spec.renewTime}, or null
 * @param transitions {@code spec.leaseTransitions}
 * @param raw the whole object as read (empty for a Lease made here)
 */
public record Lease(
    String name,
    String resourceVersion,
    Map<String, String> annotations,
    String holder,
    int durationSeconds,
    Instant acquireTime,
    Instant renewTime,
    int transitions,
    Map<String, Object> raw) {
  /** MicroTime as the API server writes and parses it: UTC, exactly six fractional digits. */
  static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** Copies the annotations; the raw object is kept as read (it is never changed). */
  public Lease {
    annotations = Map.copyOf(annotations);
    raw = raw == null ? Map.of() : java.util.Collections.unmodifiableMap(raw);
  }

  /** A Lease made here, with no object read behind it. */
  public Lease(
      String name,
      String resourceVersion,
      Map<String, String> annotations,
      String holder,
      int durationSeconds,
      Instant acquireTime,
      Instant renewTime,
      int transitions) {
    this(
        name,
        resourceVersion,
        annotations,
        holder,
        durationSeconds,
        acquireTime,
        renewTime,
        transitions,
        Map.of());
  }

  /** This record with other values in the fields leader election owns, on the same object. */
  Lease with(
      String rv,
      Map<String, String> ann,
      String holder,
      int duration,
      Instant acquire,
      Instant renew,
      int transitions) {
    return new Lease(name, rv, ann, holder, duration, acquire, renew, transitions, raw);
  }

  /** The spec alone, as compared to tell whether the record changed (client-go compares it). */
  String spec() {
    return holder + "|" + durationSeconds + "|" + acquireTime + "|" + renewTime + "|" + transitions;
  }

  /**
   * The object as JSON, for a POST (without resourceVersion) or a PUT (with it): the object last
   * read with the fields leader election owns replaced, everything else as it was.
   */
  @SuppressWarnings("unchecked")
  String toJson(String namespace) {
    Map<String, Object> o = copy(raw);
    o.put("apiVersion", "coordination.k8s.io/v1");
    o.put("kind", "Lease");
    Map<String, Object> meta =
        o.get("metadata") instanceof Map
            ? (Map<String, Object>) o.get("metadata")
            : new LinkedHashMap<>();
    meta.put("name", name);
    meta.put("namespace", namespace);
    if (resourceVersion.isEmpty()) {
      meta.remove("resourceVersion");
      // A new object: what the server assigns must not be sent back from an old one.
      meta.remove("uid");
      meta.remove("creationTimestamp");
      meta.remove("managedFields");
      meta.remove("generation");
      meta.remove("deletionTimestamp");
    } else {
      meta.put("resourceVersion", resourceVersion);
    }
    if (annotations.isEmpty()) {
      meta.remove("annotations");
    } else {
      meta.put("annotations", new TreeMap<>(annotations));
    }
    o.put("metadata", meta);
    Map<String, Object> spec =
        o.get("spec") instanceof Map ? (Map<String, Object>) o.get("spec") : new LinkedHashMap<>();
    spec.put("holderIdentity", holder);
    spec.put("leaseDurationSeconds", durationSeconds);
    spec.put("acquireTime", acquireTime == null ? null : MICRO.format(acquireTime));
    spec.put("renewTime", renewTime == null ? null : MICRO.format(renewTime));
    spec.put("leaseTransitions", transitions);
    o.put("spec", spec);
    return JsonWriter.write(o);
  }

  /** A deep, mutable copy of a parsed object (maps and lists). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach(
        (k, v) ->
            out.put(
                k,
                v instanceof Map
                    ? copy((Map<String, Object>) v)
                    : v instanceof java.util.List<?> l ? new java.util.ArrayList<>(l) : v));
    return out;
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
        num(spec.get("leaseTransitions")),
        o);
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
