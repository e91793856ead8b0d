package dev.gitsync.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The CA certificates HTTPS connections trust, chosen as upstream's Go program and git choose
 * theirs: the PEM bundle named by {@code $SSL_CERT_FILE}, else the system bundle {@code
 * /etc/ssl/certs/ca-certificates.crt}, else the JDK's own {@code cacerts}. So one mounted bundle (a
 * private CA included) serves notifications, webhooks, askpass, the GitHub API and git alike.
 */
final class CaBundle {
  static final Path SYSTEM = Path.of("/etc/ssl/certs/ca-certificates.crt");

  private CaBundle() {}

  /** The bundle to use, if any (empty: the JDK default). */
  static Optional<Path> choose(Map<String, String> env) {
    String file = env.getOrDefault("SSL_CERT_FILE", "");
    if (!file.isEmpty()) {
      return Optional.of(Path.of(file));
    }
    return Files.isReadable(SYSTEM) ? Optional.of(SYSTEM) : Optional.empty();
  }

  private static final Map<Path, SSLContext> CONTEXTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * An SSL context trusting exactly the certificates in {@code bundle}; read once per process and
   * shared by every transport.
   */
  static synchronized SSLContext context(Path bundle) throws IOException {
    SSLContext known = CONTEXTS.get(bundle);
    if (known == null) {
      known = read(bundle);
      CONTEXTS.put(bundle, known);
    }
    return known;
  }

  private static SSLContext read(Path bundle) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(bundle))) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IOException("the CA bundle " + bundle + " holds no certificates");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("can't read the CA bundle " + bundle + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IOException(
          "can't read the CA bundle " + bundle + ": " + e.getClass().getSimpleName(), e);
    }
  }
}
