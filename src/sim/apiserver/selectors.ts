/**
 * Label and field selectors with the apiserver's grammar (k8s.io/apimachinery labels and
 * fields packages): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`,
 * `a<1`, all ANDed with commas. Field selectors accept only the fields a type really indexes.
 */
import type { KubeObject, ResourceType } from '../kube/types.js';
import { badRequest } from './status.js';

export type ObjectFilter = (obj: KubeObject) => boolean;

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '(' | ')' | ',' | '>' | '<' }
  | { kind: 'end' };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c === ' ' || c === '\t') {
      i += 1;
    } else if (c === '=' && input[i + 1] === '=') {
      tokens.push({ kind: 'op', text: '==' });
      i += 2;
    } else if (c === '!' && input[i + 1] === '=') {
      tokens.push({ kind: 'op', text: '!=' });
      i += 2;
    } else if (SPECIAL.has(c)) {
      tokens.push({ kind: 'op', text: c as '=' });
      i += 1;
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j] as string) && input[j] !== ' ' && input[j] !== '\t')
        j += 1;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if ((prefix !== undefined && (!PREFIX.test(prefix) || prefix.length > 253)) || !NAME.test(name)) {
    throw badRequest(
      `unable to parse requirement: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(value: string): void {
  if (value !== '' && !NAME.test(value)) {
    throw badRequest(
      `unable to parse requirement: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

type Requirement = (labels: Record<string, string>) => boolean;

function describe(t: Token): string {
  return t.kind === 'end' ? 'end of string' : `'${t.text}'`;
}

/** Parses a label selector; an empty one matches everything. Malformed input is a 400. */
export function parseLabelSelector(selector: string): ObjectFilter {
  const tokens = lex(selector);
  const reqs: Requirement[] = [];
  let pos = 0;
  const peek = (): Token => tokens[pos] as Token;
  const next = (): Token => tokens[pos++] as Token;
  const fail = (t: Token, expected: string): never => {
    throw badRequest(`unable to parse requirement: found ${describe(t)}, expected: ${expected}`);
  };
  if (peek().kind === 'end') return () => true;
  for (;;) {
    let t = next();
    if (t.kind === 'op' && t.text === '!') {
      const key = next();
      if (key.kind !== 'id') fail(key, 'identifier');
      const k = (key as { text: string }).text;
      checkKey(k);
      reqs.push((l) => !(k in l));
    } else if (t.kind === 'id') {
      const key = t.text;
      checkKey(key);
      const op = peek();
      if (op.kind === 'end' || (op.kind === 'op' && op.text === ',')) {
        reqs.push((l) => key in l);
      } else if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
        next();
        const open = next();
        if (!(open.kind === 'op' && open.text === '(')) fail(open, "'('");
        const values: string[] = [];
        for (;;) {
          const v = next();
          if (v.kind === 'op' && v.text === ')' && values.length === 0) break;
          if (v.kind !== 'id') fail(v, 'identifier');
          checkValue((v as { text: string }).text);
          values.push((v as { text: string }).text);
          const sep = next();
          if (sep.kind === 'op' && sep.text === ')') break;
          if (!(sep.kind === 'op' && sep.text === ',')) fail(sep, "',' or ')'");
        }
        if (values.length === 0)
          throw badRequest(
            `unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`,
          );
        const set = new Set(values);
        reqs.push(
          op.text === 'in' ? (l) => key in l && set.has(l[key] as string) : (l) => !set.has(l[key] as string),
        );
      } else if (op.kind === 'op' && ['=', '==', '!=', '>', '<'].includes(op.text)) {
        next();
        const v = peek();
        let value = '';
        if (v.kind === 'id') {
          value = v.text;
          next();
        } else if (!(v.kind === 'end' || (v.kind === 'op' && v.text === ','))) {
          fail(v, 'identifier');
        }
        checkValue(value);
        if (op.text === '!=') reqs.push((l) => l[key] !== value);
        else if (op.text === '>' || op.text === '<') {
          const n = Number(value);
          if (value === '' || !Number.isInteger(n)) {
            throw badRequest(
              `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
            );
          }
          const gt = op.text === '>';
          reqs.push((l) => {
            const have = Number(l[key]);
            return key in l && Number.isInteger(have) && (gt ? have > n : have < n);
          });
        } else reqs.push((l) => l[key] === value);
      } else {
        fail(op, "'=', '!=', '==', 'in', 'notin'");
      }
    } else {
      fail(t, 'identifier');
    }
    t = next();
    if (t.kind === 'end') break;
    if (!(t.kind === 'op' && t.text === ',')) fail(t, "',' or 'end of string'");
  }
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => r(labels));
  };
}

type FieldGetter = (obj: KubeObject) => string;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const at = (obj: unknown, ...path: string[]): unknown => {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
};
const field =
  (...path: string[]): FieldGetter =>
  (o) =>
    str(at(o, ...path));

/** Fields each type indexes, as the real registries' GetAttrs / field label conversions. */
const TYPE_FIELDS: Record<string, Record<string, FieldGetter>> = {
  pods: {
    'spec.nodeName': field('spec', 'nodeName'),
    'spec.restartPolicy': field('spec', 'restartPolicy'),
    'spec.schedulerName': field('spec', 'schedulerName'),
    'spec.serviceAccountName': field('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(at(o, 'spec', 'hostNetwork') === true),
    'status.phase': field('status', 'phase'),
    'status.podIP': field('status', 'podIP'),
    'status.nominatedNodeName': field('status', 'nominatedNodeName'),
  },
  events: {
    'involvedObject.kind': field('involvedObject', 'kind'),
    'involvedObject.namespace': field('involvedObject', 'namespace'),
    'involvedObject.name': field('involvedObject', 'name'),
    'involvedObject.uid': field('involvedObject', 'uid'),
    'involvedObject.apiVersion': field('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': field('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': field('involvedObject', 'fieldPath'),
    reason: field('reason'),
    reportingComponent: field('reportingComponent'),
    source: field('source', 'component'),
    type: field('type'),
  },
  secrets: { type: field('type') },
  nodes: { 'spec.unschedulable': (o) => String(at(o, 'spec', 'unschedulable') === true) },
  namespaces: { 'status.phase': field('status', 'phase') },
  'certificatesigningrequests.certificates.k8s.io': { 'spec.signerName': field('spec', 'signerName') },
};

const COMMON_FIELDS: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

function fieldsOf(t: ResourceType): Record<string, FieldGetter> {
  const key = t.group === '' ? t.plural : `${t.plural}.${t.group}`;
  return { ...COMMON_FIELDS, ...(TYPE_FIELDS[key] ?? {}) };
}

/** Splits on unescaped commas and unescapes `\,` `\=` `\\` (fields.ParseSelector). */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < selector.length; i += 1) {
    const c = selector[i] as string;
    if (c === '\\' && i + 1 < selector.length) {
      cur += c + (selector[i + 1] as string);
      i += 1;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else cur += c;
  }
  terms.push(cur);
  return terms;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** The first unescaped `!=`, `==` or `=` of a term. */
function splitOperator(term: string): { field: string; op: string; value: string } | undefined {
  for (let i = 0; i < term.length; i += 1) {
    const c = term[i];
    if (c === '\\') {
      i += 1;
      continue;
    }
    const op = term.startsWith('!=', i)
      ? '!='
      : term.startsWith('==', i)
        ? '=='
        : c === '='
          ? '='
          : undefined;
    if (op) return { field: term.slice(0, i), op, value: term.slice(i + op.length) };
  }
  return undefined;
}

/** Parses a field selector for type `t`; unknown fields are the apiserver's 400. */
export function parseFieldSelector(selector: string, t: ResourceType): ObjectFilter {
  if (selector.trim() === '') return () => true;
  const fields = fieldsOf(t);
  const reqs: ObjectFilter[] = [];
  for (const term of splitTerms(selector)) {
    const split = splitOperator(term);
    if (!split) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const name = unescape(split.field).trim();
    const { op } = split;
    const value = unescape(split.value);
    const getter = fields[name];
    if (!getter) throw badRequest(`field label not supported: ${name}`);
    reqs.push(op === '!=' ? (o) => getter(o) !== value : (o) => getter(o) === value);
  }
  return (obj) => reqs.every((r) => r(obj));
}

/** Both selectors of a list/watch query combined into one filter (undefined = everything). */
export function selectorFilter(query: URLSearchParams, t: ResourceType): ObjectFilter | undefined {
  const label = query.get('labelSelector') ?? '';
  const fieldSel = query.get('fieldSelector') ?? '';
  if (label === '' && fieldSel === '') return undefined;
  const byLabel = parseLabelSelector(label);
  const byField = parseFieldSelector(fieldSel, t);
  return (obj) => byLabel(obj) && byField(obj);
}
