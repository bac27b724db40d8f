/**
 * Go's time.Format(time.RFC3339): "2006-01-02T15:04:05Z", fractional seconds dropped
 * (truncated, not rounded), as crypto/x509 prints validity errors.
 *
 * `offsetMinutes` is the zone the time carries: crypto/x509 keeps the offset a certificate's
 * UTCTime/GeneralizedTime was written with ("...+0100" prints "+01:00"); "Z" times and the
 * verifier's clock print "Z". Caveat: Go formats `now` in the process's local zone (crypto/tls
 * passes time.Now()); an initramfs runs in UTC, which is what Ignition printed in our oracle
 * runs, so we print the clock in UTC.
 */
export function formatRFC3339(d: Date, offsetMinutes = 0): string {
  if (offsetMinutes === 0) return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const local = new Date(d.getTime() + offsetMinutes * 60000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMinutes);
  const zone = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return local + zone;
}
