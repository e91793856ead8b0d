package dev.gitsync.kube;

import java.util.Optional;

/** The three Lease calls leader election makes: get, create, update. */
public interface LeaseApi {
  /**
   * What the API server answered.
   *
   * @param status the HTTP status, or 0 when no answer came (connection failed, timed out)
   * @param lease the Lease in the answer (200, 201)
   * @param reason the Status object's {@code reason} ({@code NotFound}, {@code Conflict}, …), or a
   *     short description of a failure without an answer
   * @param message the Status object's {@code message}, bounded (never holds the token)
   */
  record Answer(int status, Optional<Lease> lease, String reason, String message) {
    /** A 2xx answer. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** GET the Lease. */
  Answer get(String name) throws InterruptedException;

  /** POST a new Lease (no resourceVersion). */
  Answer create(Lease lease) throws InterruptedException;

  /** PUT the Lease, conditional on its resourceVersion. */
  Answer update(Lease lease) throws InterruptedException;
}
