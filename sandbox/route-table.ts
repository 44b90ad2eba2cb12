/**
 * The routes each listener registered, by method, for the answers the router itself cannot give:
 *   - 405 with `Allow` when a path is known but the method is not (RFC 9110 §15.5.6);
 *   - naming the path parameter of a path the router cannot read (input-guard.ts's paramWhere).
 * A path matches a template segment by segment: static segments compare percent-decoded, as the router
 * compares them, so "/%61pi/v1/payments" is the same resource as "/api/v1/payments".
 */
import { tryDecode } from './input-guard.ts';

/** The order methods are listed in `Allow`. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export class RouteTable {
  private readonly byMethod = new Map<string, string[]>();

  /** Called from fastify's onRoute hook (fastify's automatic HEAD twins of GET routes included). */
  add(method: string | string[], template: string): void {
    for (const m of [method].flat()) this.byMethod.set(m, [...(this.byMethod.get(m) ?? []), template]);
  }

  templates(method: string): readonly string[] {
    return this.byMethod.get(method) ?? [];
  }

  /** Methods with a route for this raw path (query excluded), in METHOD_ORDER; empty when the path is unknown. */
  allowed(rawPath: string): string[] {
    const segments = rawPath.split('/');
    const out: string[] = [];
    for (const [method, templates] of this.byMethod) {
      if (templates.some((t) => matches(t, segments))) out.push(method);
    }
    const rank = (m: string): number => (METHOD_ORDER.includes(m) ? METHOD_ORDER.indexOf(m) : METHOD_ORDER.length);
    return out.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }
}

function matches(template: string, segments: string[]): boolean {
  const parts = template.split('/');
  if (parts.length !== segments.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const segment = segments[i] as string;
    if (part.startsWith(':')) {
      if (segment === '') return false;
    } else if (tryDecode(segment) !== part) return false;
  }
  return true;
}
