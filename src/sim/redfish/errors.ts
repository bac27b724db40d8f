/**
 * Redfish error bodies (DSP0266 "Error responses"): `{"error": {code, message, @Message.ExtendedInfo}}`
 * built from DMTF Base registry messages. Texts are those of Base.1.5.0, the registry the
 * public-rackmount1 mockup ships (a test checks them against it); PropertyValueConflict is newer
 * than 1.5.0 and is worded as openbmc bmcweb sends it.
 */

interface MessageDef {
  registry: string;
  text: string;
  severity: 'OK' | 'Warning' | 'Critical';
  resolution: string;
}

const BASE = 'Base.1.5.0';

export const MESSAGES = {
  ResourceMissingAtURI: {
    registry: BASE,
    text: 'The resource at the URI %1 was not found.',
    severity: 'Critical',
    resolution: 'Place a valid resource at the URI or correct the URI and resubmit the request.',
  },
  PropertyValueFormatError: {
    registry: BASE,
    text: 'The value %1 for the property %2 is of a different format than the property can accept.',
    severity: 'Warning',
    resolution:
      'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  },
  PropertyValueTypeError: {
    registry: BASE,
    text: 'The value %1 for the property %2 is of a different type than the property can accept.',
    severity: 'Warning',
    resolution:
      'Correct the value for the property in the request body and resubmit the request if the operation failed.',
  },
  PropertyValueNotInList: {
    registry: BASE,
    text: 'The value %1 for the property %2 is not in the list of acceptable values.',
    severity: 'Warning',
    resolution:
      'Choose a value from the enumeration list that the implementation can support and resubmit the request if the operation failed.',
  },
  PropertyNotWritable: {
    registry: BASE,
    text: 'The property %1 is a read only property and cannot be assigned a value.',
    severity: 'Warning',
    resolution: 'Remove the property from the request body and resubmit the request if the operation failed.',
  },
  PropertyUnknown: {
    registry: BASE,
    text: 'The property %1 is not in the list of valid properties for the resource.',
    severity: 'Warning',
    resolution:
      'Remove the unknown property from the request body and resubmit the request if the operation failed.',
  },
  PropertyMissing: {
    registry: BASE,
    text: 'The property %1 is a required property and must be included in the request.',
    severity: 'Warning',
    resolution:
      'Ensure that the property is in the request body and has a valid value and resubmit the request if the operation failed.',
  },
  MalformedJSON: {
    registry: BASE,
    text: 'The request body submitted was malformed JSON and could not be parsed by the receiving service.',
    severity: 'Critical',
    resolution: 'Ensure that the request body is valid JSON and resubmit the request.',
  },
  EmptyJSON: {
    registry: BASE,
    text: 'The request body submitted contained an empty JSON object and the service is unable to process it.',
    severity: 'Warning',
    resolution: 'Add properties in the JSON object and resubmit the request.',
  },
  ActionNotSupported: {
    registry: BASE,
    text: 'The action %1 is not supported by the resource.',
    severity: 'Critical',
    resolution:
      'The action supplied cannot be resubmitted to the implementation.  Perhaps the action was invalid, the wrong resource was the target or the implementation documentation may be of assistance.',
  },
  ActionParameterMissing: {
    registry: BASE,
    text: 'The action %1 requires the parameter %2 to be present in the request body.',
    severity: 'Critical',
    resolution:
      'Supply the action with the required parameter in the request body when the request is resubmitted.',
  },
  ActionParameterNotSupported: {
    registry: BASE,
    text: 'The parameter %1 for the action %2 is not supported on the target resource.',
    severity: 'Warning',
    resolution: 'Remove the parameter supplied and resubmit the request if the operation failed.',
  },
  NoValidSession: {
    registry: BASE,
    text: 'There is no valid session established with the implementation.',
    severity: 'Critical',
    resolution: 'Establish as session before attempting any operations.',
  },
  SessionLimitExceeded: {
    registry: BASE,
    text: 'The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation.',
    severity: 'Critical',
    resolution:
      'Reduce the number of other sessions before trying to establish the session or increase the limit of simultaneous sessions (if supported).',
  },
  GeneralError: {
    registry: BASE,
    text: 'A general error has occurred. See Resolution for information on how to resolve the error.',
    severity: 'Critical',
    resolution: 'None.',
  },
  InternalError: {
    registry: BASE,
    text: 'The request failed due to an internal service error.  The service is still operational.',
    severity: 'Critical',
    resolution: 'Resubmit the request.  If the problem persists, consider resetting the service.',
  },
  PropertyValueConflict: {
    registry: 'Base.1.11.2',
    text: "The property '%1' could not be written because its value would conflict with the value of the '%2' property.",
    severity: 'Warning',
    resolution: 'No resolution is required.',
  },
} satisfies Record<string, MessageDef>;

export type MessageKey = keyof typeof MESSAGES;

export interface RedfishMessage {
  '@odata.type': '#Message.v1_1_1.Message';
  MessageId: string;
  Message: string;
  MessageArgs: string[];
  Severity: string;
  Resolution: string;
}

export function message(key: MessageKey, args: string[] = [], resolution?: string): RedfishMessage {
  const def: MessageDef = MESSAGES[key];
  const text = def.text.replace(/%(\d+)/g, (whole, n: string) => args[Number(n) - 1] ?? whole);
  return {
    '@odata.type': '#Message.v1_1_1.Message',
    MessageId: `${def.registry}.${key}`,
    Message: text,
    MessageArgs: args,
    Severity: def.severity,
    Resolution: resolution ?? def.resolution,
  };
}

export interface RedfishErrorBody {
  error: { code: string; message: string; '@Message.ExtendedInfo': RedfishMessage[] };
}

/** The error body: the first message names the error, all of them go in ExtendedInfo. */
export function errorBody(first: RedfishMessage, ...more: RedfishMessage[]): RedfishErrorBody {
  return {
    error: { code: first.MessageId, message: first.Message, '@Message.ExtendedInfo': [first, ...more] },
  };
}

/** An error with its HTTP status, thrown by handlers and turned into a response at the top. */
export class RedfishError extends Error {
  readonly body: RedfishErrorBody;
  constructor(
    readonly status: number,
    first: RedfishMessage,
    more: RedfishMessage[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(first.Message);
    this.name = 'RedfishError';
    this.body = errorBody(first, ...more);
  }
}
