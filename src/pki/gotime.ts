/**
 * Go's time.Format(time.RFC3339) for a UTC time: "2006-01-02T15:04:05Z", fractional seconds
 * dropped (truncated, not rounded), as crypto/x509 prints validity errors.
 *
 * Caveat: Go formats `now` in the process's local zone (crypto/tls passes time.Now()). An
 * initramfs runs in UTC, which is what Ignition printed in our oracle runs ("...Z"); we always
 * print UTC. NotBefore/NotAfter are parsed as UTC by Go, so they always end in "Z".
 */
export function formatRFC3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
