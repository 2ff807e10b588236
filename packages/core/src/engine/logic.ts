import jsonLogic from 'json-logic-js';
import { FACTS, type FactName } from './facts.js';

// JSON Logic (jsonlogic.com) is the language of triggers, status rules and guard rules, so a
// jurisdiction can write its own obligations as data. json-logic-js is the reference
// interpreter; `compileRule` turns the operations the catalogue uses into closures once per
// profile (the engine evaluates dozens of rules per assessment) and hands every other operation
// to json-logic-js unchanged, so both always agree.

/** A JSON Logic rule: any JSON value, where an object with one operation key is logic. */
export type JsonLogicRule = null | boolean | number | string | JsonLogicRule[] | { [operation: string]: JsonLogicRule };

/** A compiled rule: facts in, JSON Logic value out. */
export type CompiledRule = (data: unknown) => unknown;

/** JSON Logic truthiness: like JavaScript's, except that an empty list is false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

export function isLogic(rule: unknown): rule is { [operation: string]: JsonLogicRule } {
  return typeof rule === 'object' && rule !== null && !Array.isArray(rule) && Object.keys(rule).length === 1;
}

/** The operation of a logic object and its arguments, always as a list (as json-logic-js reads them). */
export function operationOf(rule: { [operation: string]: JsonLogicRule }): [string, JsonLogicRule[]] {
  const operation = Object.keys(rule)[0] as string;
  const args = rule[operation] as JsonLogicRule;
  return [operation, Array.isArray(args) ? args : [args]];
}

/** Evaluates a rule with json-logic-js itself. */
export function applyRule(rule: JsonLogicRule, data: unknown): unknown {
  return jsonLogic.apply(rule as Parameters<typeof jsonLogic.apply>[0], data);
}

function readVar(data: unknown, path: readonly string[] | null, fallback: unknown): unknown {
  if (path === null) return data;
  let current = data;
  for (const key of path) {
    if (current === null || current === undefined) return fallback;
    current = (current as Record<string, unknown>)[key];
    if (current === undefined) return fallback;
  }
  return current;
}

function isConstant(rule: JsonLogicRule): boolean {
  if (Array.isArray(rule)) return rule.every(isConstant);
  return !isLogic(rule);
}

/** The fact name of `{"var": "name"}` (one path segment, no default), else null. */
function singleFact(rule: JsonLogicRule | undefined): string | null {
  if (!isLogic(rule)) return null;
  const [operation, args] = operationOf(rule);
  const key = args[0];
  return operation === 'var' && args.length === 1 && typeof key === 'string' && key !== '' && !key.includes('.') ? key : null;
}

/** For `or` over `{"in": [code, {"var": name}]}` tests of one fact: that fact and the codes. */
function anyOfFact(args: readonly JsonLogicRule[]): { name: string; wanted: ReadonlySet<unknown> } | null {
  if (args.length < 2) return null;
  let name: string | null = null;
  const wanted = new Set<unknown>();
  for (const arg of args) {
    if (!isLogic(arg)) return null;
    const [operation, operands] = operationOf(arg);
    const fact = operation === 'in' && operands.length === 2 ? singleFact(operands[1]) : null;
    if (fact === null || typeof operands[0] !== 'string' || (name !== null && fact !== name)) return null;
    name = fact;
    wanted.add(operands[0]);
  }
  return name === null ? null : { name, wanted };
}

function freshList(list: JsonLogicRule[]): JsonLogicRule[] {
  return list.map((item) => (Array.isArray(item) ? freshList(item) : item));
}

const COMPARISONS: Record<string, (a: unknown, b: unknown) => boolean> = {
  // Loose equality is JSON Logic's own definition of `==`.
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
};

/** Compiles a rule to a closure with json-logic-js's exact results. */
export function compileRule(rule: JsonLogicRule): CompiledRule {
  // json-logic-js builds a list literal afresh on every evaluation (so [] != [] holds); so does this.
  if (isConstant(rule)) return Array.isArray(rule) ? () => freshList(rule) : () => rule;
  if (Array.isArray(rule)) {
    const items = rule.map(compileRule);
    return (data) => items.map((item) => item(data));
  }
  if (!isLogic(rule)) return () => rule;
  const [operation, args] = operationOf(rule);
  const parts = () => args.map(compileRule);
  switch (operation) {
    case 'var': {
      const [key, fallbackRule] = args;
      if (!isConstant(key ?? null)) break;
      const path = key === undefined || key === '' || key === null ? null : String(key).split('.');
      if (fallbackRule === undefined && path !== null && path.length === 1) {
        // The common case, a top-level fact: one property read.
        const name = path[0] as string;
        return (data) => {
          if (data === null || data === undefined) return null;
          const value = (data as Record<string, unknown>)[name];
          return value === undefined ? null : value;
        };
      }
      if (fallbackRule === undefined) return (data) => readVar(data, path, null);
      const fallback = compileRule(fallbackRule);
      return (data) => {
        const otherwise = fallback(data);
        return readVar(data, path, otherwise === undefined ? null : otherwise);
      };
    }
    case 'and': {
      const items = parts();
      return (data) => {
        let current: unknown;
        for (const item of items) {
          current = item(data);
          if (!truthy(current)) return current;
        }
        return current;
      };
    }
    case 'or': {
      const flags = anyOfFact(args);
      if (flags !== null) {
        // "Any of these flags": one pass over the person's few flags instead of one search per code.
        const { name, wanted } = flags;
        const items = parts();
        return (data) => {
          const within = data === null || data === undefined ? undefined : (data as Record<string, unknown>)[name];
          if (Array.isArray(within)) {
            for (const item of within) if (wanted.has(item)) return true;
            return false;
          }
          let current: unknown;
          for (const item of items) {
            current = item(data);
            if (truthy(current)) return current;
          }
          return current;
        };
      }
      const items = parts();
      return (data) => {
        let current: unknown;
        for (const item of items) {
          current = item(data);
          if (truthy(current)) return current;
        }
        return current;
      };
    }
    case 'if':
    case '?:': {
      const items = parts();
      return (data) => {
        let i = 0;
        for (; i < items.length - 1; i += 2) {
          if (truthy((items[i] as CompiledRule)(data))) return (items[i + 1] as CompiledRule)(data);
        }
        return i === items.length - 1 ? (items[i] as CompiledRule)(data) : null;
      };
    }
    case '!': {
      const [item] = parts();
      return item ? (data) => !truthy(item(data)) : () => true;
    }
    case '!!': {
      const [item] = parts();
      return item ? (data) => truthy(item(data)) : () => false;
    }
    case 'in': {
      const [needleRule, haystackRule] = args;
      const name = singleFact(haystackRule);
      if (name !== null && typeof needleRule === 'string') {
        // The catalogue's commonest test, {"in": ["pregnant", {"var": "flags"}]}, as one closure.
        return (data) => {
          if (data === null || data === undefined) return false;
          const within = (data as Record<string, unknown>)[name] as { indexOf?: (value: unknown) => number } | null | undefined;
          if (!within || typeof within.indexOf !== 'function') return false;
          return within.indexOf(needleRule) !== -1;
        };
      }
      if (needleRule === undefined || haystackRule === undefined) break;
      const needle = compileRule(needleRule);
      // A literal list to search, such as ["lodged", "granted"], is searched in place: only its content matters.
      const haystack = isConstant(haystackRule) ? () => haystackRule : compileRule(haystackRule);
      return (data) => {
        const within = haystack(data) as { indexOf?: (value: unknown) => number } | null | undefined;
        if (!within || typeof within.indexOf !== 'function') return false;
        return within.indexOf(needle(data)) !== -1;
      };
    }
    case '<':
    case '<=': {
      const [a, b, c] = parts();
      if (!a || !b || args.length > 3) break;
      const less = operation === '<' ? (x: unknown, y: unknown) => (x as number) < (y as number) : (x: unknown, y: unknown) => (x as number) <= (y as number);
      if (!c) return (data) => less(a(data), b(data));
      // json-logic-js tests the third value, not the number of arguments, for "between".
      return (data) => {
        const first = a(data);
        const middle = b(data);
        const last = c(data);
        return last === undefined ? less(first, middle) : less(first, middle) && less(middle, last);
      };
    }
    default: {
      const compare = COMPARISONS[operation];
      if (compare && args.length === 2) {
        const [a, b] = parts() as [CompiledRule, CompiledRule];
        return (data) => compare(a(data), b(data));
      }
    }
  }
  // Anything else (arithmetic, map/filter/reduce, some/all/none, missing, ...) runs in json-logic-js.
  return (data) => applyRule(rule, data);
}

/** Standard JSON Logic operations a profile may use; `log` is left out because rules must not write anywhere. */
export const OPERATIONS: ReadonlySet<string> = new Set([
  'var', 'missing', 'missing_some', 'if', '?:', '==', '===', '!=', '!==', '!', '!!', 'or', 'and',
  '>', '>=', '<', '<=', 'max', 'min', '+', '-', '*', '/', '%', 'map', 'filter', 'reduce', 'all',
  'none', 'some', 'merge', 'in', 'cat', 'substr',
]);

/** Operations whose second argument runs over each item of a list, where `var` names the item, not a fact. */
const SCOPED = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

export interface RuleContext {
  /** Obligation codes a rule may refer to. */
  obligationCodes: ReadonlySet<string>;
  /** Whether the rule is a guard rule (and may read `openObligations`). */
  guard?: boolean;
}

/**
 * Checks a rule before it is used: known operations only, documented facts only, and known codes
 * where a code is compared with a fact (a misspelt indicator would otherwise never match).
 * Returns the problems in plain words.
 */
export function checkRule(rule: JsonLogicRule, context: RuleContext): string[] {
  const problems: string[] = [];
  const visit = (node: JsonLogicRule, scoped: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, scoped);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (!isLogic(node)) {
      problems.push(`${JSON.stringify(node)} is not a rule: a rule object has exactly one operation`);
      return;
    }
    const [operation, args] = operationOf(node);
    if (!OPERATIONS.has(operation)) {
      problems.push(`unknown operation ${JSON.stringify(operation)}`);
      return;
    }
    if (operation === 'var') {
      if (!scoped) checkVar(args[0] ?? null, context, problems);
      for (const arg of args.slice(1)) visit(arg, scoped);
      return;
    }
    if (!scoped) checkCodes(operation, args, context, problems);
    args.forEach((arg, index) => visit(arg, scoped || (SCOPED.has(operation) && index >= 1)));
  };
  visit(rule, false);
  return problems;
}

function factOf(rule: JsonLogicRule | undefined): FactName | null {
  if (!isLogic(rule)) return null;
  const [operation, args] = operationOf(rule);
  const name = args[0];
  return operation === 'var' && typeof name === 'string' && Object.hasOwn(FACTS, name) ? (name as FactName) : null;
}

function checkVar(name: JsonLogicRule, context: RuleContext, problems: string[]): void {
  if (typeof name !== 'string' || name === '') {
    problems.push(`{"var": ${JSON.stringify(name)}} must name a fact, one of: ${Object.keys(FACTS).join(', ')}`);
    return;
  }
  const head = name.split('.')[0] as string;
  if (!Object.hasOwn(FACTS, head)) {
    problems.push(`unknown fact ${JSON.stringify(name)}; the facts are: ${Object.keys(FACTS).join(', ')}`);
  } else if (FACTS[head as FactName].guardsOnly && !context.guard) {
    problems.push(`the fact ${JSON.stringify(head)} is only available to guard rules`);
  }
}

function knownValues(fact: FactName, context: RuleContext): ReadonlySet<string> | null {
  if (fact === 'obligations' || fact === 'openObligations') return context.obligationCodes;
  const values = FACTS[fact].values;
  return values ? new Set(values) : null;
}

function checkCodes(operation: string, args: JsonLogicRule[], context: RuleContext, problems: string[]): void {
  const check = (fact: FactName | null, value: JsonLogicRule | undefined) => {
    if (fact === null || typeof value !== 'string') return;
    const known = knownValues(fact, context);
    if (known && !known.has(value)) {
      problems.push(`${JSON.stringify(value)} is not a known value of the fact ${JSON.stringify(fact)}`);
    }
  };
  if (operation === 'in') {
    const [needle, haystack] = args;
    // {"in": ["pregnant", {"var": "flags"}]} and {"in": [{"var": "asylumClaim"}, ["lodged", "granted"]]}
    check(factOf(haystack), needle);
    const fact = factOf(needle);
    if (Array.isArray(haystack)) for (const value of haystack) check(fact, value);
  } else if (operation in COMPARISONS) {
    const [a, b] = args;
    check(factOf(a), b);
    check(factOf(b), a);
  }
}

/** Obligation codes a rule tests with `{"in": [code, {"var": "obligations"}]}`: they must be evaluated first. */
export function referencedObligations(rule: JsonLogicRule): string[] {
  const found: string[] = [];
  const visit = (node: JsonLogicRule): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isLogic(node)) return;
    const [operation, args] = operationOf(node);
    if (operation === 'in' && factOf(args[1]) === 'obligations' && typeof args[0] === 'string') found.push(args[0]);
    args.forEach(visit);
  };
  visit(rule);
  return found;
}
