/** The Manager's live clock: DateTime shown from the host clock, and PATCH DateTime setting it. */
import type { HostClock } from '../clock.js';
import { formatRedfishDateTime, parseLocalOffset, parseRedfishDateTime } from './datetime.js';
import { message, RedfishError, type RedfishMessage } from './errors.js';
import type { MockupManager } from './tree.js';

const WRITABLE = new Set(['DateTime', 'DateTimeLocalOffset']);

/** One Manager's clock state on one BMC: the host clock and the offset it is shown in. */
export class ManagerClock {
  constructor(
    readonly manager: MockupManager,
    private readonly clock: HostClock,
    private localOffset: string = manager.localOffset,
  ) {}

  render(): Record<string, unknown> {
    return {
      ...this.manager.doc,
      DateTime: formatRedfishDateTime(this.clock.now(), this.localOffset),
      DateTimeLocalOffset: this.localOffset,
    };
  }

  /**
   * Applies a PATCH body atomically: every property is checked first, nothing changes on error.
   * `refuseClockSet` models a BMC whose clock follows NTP (openbmc bmcweb answers
   * PropertyValueConflict then).
   */
  patch(body: Record<string, unknown>, refuseClockSet: boolean): void {
    const problems: RedfishMessage[] = [];
    let instant: Date | undefined;
    let offset: string | undefined;
    const keys = Object.keys(body);
    if (keys.length === 0) throw new RedfishError(400, message('EmptyJSON'));
    for (const key of keys) {
      const value = body[key];
      if (!WRITABLE.has(key)) {
        problems.push(
          key in this.manager.doc ? message('PropertyNotWritable', [key]) : message('PropertyUnknown', [key]),
        );
      } else if (typeof value !== 'string') {
        problems.push(message('PropertyValueTypeError', [JSON.stringify(value), key]));
      } else if (key === 'DateTime') {
        instant = parseRedfishDateTime(value);
        if (!instant) problems.push(message('PropertyValueFormatError', [value, key]));
        else if (refuseClockSet)
          problems.push(message('PropertyValueConflict', [key, 'NTP/ProtocolEnabled']));
      } else {
        if (parseLocalOffset(value) === undefined)
          problems.push(message('PropertyValueFormatError', [value, key]));
        else offset = value;
      }
    }
    const [first, ...more] = problems;
    if (first) throw new RedfishError(400, first, more);
    if (instant) this.clock.set(instant);
    // DSP0268: when both are written, the offset applies after DateTime
    if (offset) this.localOffset = offset;
  }
}
