/**
 * Kubernetes, as little of it as the sidecar needs: a coordination.k8s.io/v1 Lease read and written
 * over the REST API with the JDK's client, and client-go's leader election on top of it.
 */
package dev.gitsync.kube;
