package dev.gitsync.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.security.Security;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} that reads its CA bundle on first use. Building the TLS context from the
 * system bundle (144 certificates) takes about 150 ms on a cold JVM; an HTTP client needs a context
 * when it is built, yet a process whose sinks and webhook are plain http never uses it. This one
 * costs nothing until a TLS connection (or {@link #load()}) asks for it.
 */
final class LazySslContext extends SSLContext {
  private final Spi spi;

  private LazySslContext(Spi spi) {
    super(spi, Security.getProvider("SunJSSE"), "TLS");
    this.spi = spi;
  }

  /** A context trusting exactly the certificates in {@code bundle}, read when first needed. */
  static LazySslContext of(Path bundle) {
    return new LazySslContext(new Spi(bundle));
  }

  /** Reads the bundle now (in the background, at start-up), so no request waits for it. */
  void load() throws IOException {
    try {
      spi.real();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final Path bundle;
    private volatile SSLContext real;

    Spi(Path bundle) {
      this.bundle = bundle;
    }

    SSLContext real() {
      SSLContext r = real;
      if (r == null) {
        try {
          r = CaBundle.context(bundle);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        real = r;
      }
      return r;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("a lazy context is initialised by its bundle");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return real().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return real().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return real().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return real().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return real().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return real().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return real().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return real().getSupportedSSLParameters();
    }
  }
}
