/**
 * How long things take in the simulated cluster, in simulated milliseconds (divide by the
 * speed factor for real time). One place, so every controller agrees and tests can reason
 * about them. Figures are of the order real bare-metal hosts show, shortened where waiting
 * teaches nothing.
 */
export const SIM_TIMINGS = {
  /** BMO: registering (BMC credentials checked, power state read). */
  registeringMs: 5_000,
  /** BMO: inspection (IPA boots, reports hardware). */
  inspectingMs: 60_000,
  /** BMO: provisioning (image written, config drive with the user-data written). */
  provisioningMs: 120_000,
  /** BMO: deprovisioning (cleaning). */
  deprovisioningMs: 60_000,
  /** Host: power on to Ignition's fetch stage in the initramfs. */
  bootToIgnitionMs: 30_000,
  /** Host: Ignition keeps retrying this long, then the boot fails and the host reboots. */
  ignitionGiveUpMs: 300_000,
  /** Host: a reboot (power cycle to firmware to initramfs again is bootToIgnitionMs later). */
  rebootMs: 10_000,
  /** Host: Ignition done to kubelet's first (client) CSR. */
  ignitionToCsrMs: 60_000,
  /** Kubelet: client cert issued to Node registered; then Node Ready after nodeReadyMs. */
  csrToNodeMs: 5_000,
  nodeReadyMs: 20_000,
  /** Approver and signer reaction time. */
  approverMs: 1_000,
  /** MCS pod: container start, and CrashLoopBackOff's first back-off. */
  podStartMs: 3_000,
  crashLoopBackoffMs: 10_000,
} as const;

/** Default speed of `sim start` (a provisioning takes 12 s of real time) and of tests. */
export const DEFAULT_SIM_SPEED = 10;
export const TEST_SIM_SPEED = 200;
