/**
 * The named parameters each control method takes, declared where the method is defined. Any other parameter
 * is refused with -32602 naming it: a misspelt filter (`prefx`) must be an error, not a listing of the whole
 * table, and a misspelt `neighbors` not a route announced to every neighbor. The declarations are also what
 * `session.methods` lists, and kbgpd refuses to start with a method that has none (`checkDeclared`).
 */
import { type Method, RpcCode, RpcError } from "./server.js";

const declared = new WeakMap<Method, readonly string[]>();

/** A value as an error message quotes it: JSON, cut short (a client may send megabytes). */
export function shown(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A text as an error message quotes it: cut short. */
export const cut = (text: string, max = 80): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** `method`, taking exactly the parameters `names` (all optional as far as this check goes). */
export function accepts(names: readonly string[], method: Method): Method {
  const known = new Set(names);
  const checked: Method = (params, call) => {
    for (const key of Object.keys(params))
      if (!known.has(key))
        throw new RpcError(
          RpcCode.INVALID_PARAMS,
          `unknown parameter ${shown(key)} (this method takes ${names.length ? names.join(", ") : "no parameters"})`,
        );
    return method(params, call);
  };
  declared.set(checked, names);
  return checked;
}

/** The parameters `method` declared, or null when it was not made with `accepts`. */
export const paramsOf = (method: Method): readonly string[] | null => declared.get(method) ?? null;

/** Throws, naming them, when some methods do not declare their parameters: a programming error. */
export function checkDeclared(methods: Record<string, Method>): Record<string, Method> {
  const missing = Object.keys(methods).filter((name) => paramsOf(methods[name]) === null);
  if (missing.length) throw new Error(`control methods without declared parameters: ${missing.join(", ")}`);
  return methods;
}
