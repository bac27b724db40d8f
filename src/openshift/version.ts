/** OpenShift release versions as clusters report them: `4.9.0`, `4.16.3`, `4.19`. */

/** Major and minor of a version string, or undefined when it is not `X.Y[.Z...]`. */
export function majorMinor(version: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether `version` is at least `min` by major and minor ("4.16.3" >= "4.16"); false when unparsable. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = majorMinor(version);
  const b = majorMinor(min);
  if (!a || !b) return false;
  return a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);
}
