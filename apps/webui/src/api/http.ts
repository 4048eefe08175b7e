/** Small fetch helpers: JSON from the master's own endpoints, and JSONP from agents (another origin). */

/** GETs JSON from the master; throws an Error naming the path and status on anything but 200. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (response.status !== 200) {
    const text = (await response.text().catch(() => '')).trim();
    throw new Error(`GET ${path} answered ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`);
  }
  return (await response.json()) as T;
}

let jsonpSequence = 0;

/**
 * GETs `url` as JSONP (`?jsonp=<callback>`): agents serve their endpoints on their own origin without CORS, as
 * Mesos's do, and a script tag may load from anywhere. Fails after `timeoutMs` (e.g. an endpoint that ignores
 * `jsonp` answers plain JSON, which never calls back).
 */
export function jsonp<T>(url: string, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const name = `__mesosJsonp${++jsonpSequence}`;
    const callbacks = window as unknown as Record<string, unknown>;
    const script = document.createElement('script');
    const done = (): void => {
      clearTimeout(timer);
      script.remove();
      // A late answer after a timeout must find a function, not throw a ReferenceError in the page.
      callbacks[name] = () => undefined;
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${url} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    callbacks[name] = (value: T) => {
      done();
      resolve(value);
    };
    script.onerror = () => {
      done();
      reject(new Error(`${url} could not be loaded`));
    };
    script.src = `${url}${url.includes('?') ? '&' : '?'}jsonp=${name}`;
    document.head.appendChild(script);
  });
}
