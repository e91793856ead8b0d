package dev.gitsync.config;

import java.util.Optional;

/**
 * The HTTP endpoint's settings.
 *
 * @param bind where to listen, if the endpoint is on
 * @param metrics serve /metrics
 * @param pprof serve the /debug/pprof equivalents
 * @param readyMaxPeriods /readyz fails when the last success is older than this many periods
 */
public record HttpSettings(
    Optional<BindAddress> bind, boolean metrics, boolean pprof, int readyMaxPeriods) {}
