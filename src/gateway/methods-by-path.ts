/**
 * Which methods each registered route pattern takes, so an unmatched request can be told 405 (the path
 * exists, the method does not) rather than 404. Catch-all patterns (static files) are left out: they
 * would make every unknown path look like a file.
 */
export class MethodsByPath {
  readonly #routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];

  add(method: string | string[], url: string): void {
    if (url.includes('*')) return;
    const source = url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const methods = Array.isArray(method) ? method : [method];
    const existing = this.#routes.find((route) => route.pattern.source === `^${source}/?$`);
    if (existing) {
      for (const name of methods) existing.methods.add(name);
      return;
    }
    this.#routes.push({ pattern: new RegExp(`^${source}/?$`), methods: new Set(methods) });
  }

  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.#routes) {
      if (route.pattern.test(path)) for (const name of route.methods) methods.add(name);
    }
    return [...methods].sort();
  }
}
