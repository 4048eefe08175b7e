import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';

/** The port a Mesos master listens on unless told otherwise (`mesos-master --port`). */
export const DEFAULT_MASTER_PORT = 5050;

function invalid(message: string): Result<never> {
  return err(new MesosTsError('INVALID_ARGUMENT', message));
}

/**
 * Turns the `--master` value (or `MESOS_MASTER`) into the base URL the scheduler client talks to.
 *
 * Accepts `HOST:PORT`, `HOST` (port 5050), `[IPv6]:PORT`, and `http://` / `https://` URLs without a path.
 * `zk://` addresses (Mesos's leader detection through ZooKeeper) and `file://` indirection are refused with a
 * message that says so: this CLI talks to one master, which redirects to the leader itself.
 *
 * @returns the URL's origin, e.g. `http://127.0.0.1:5050`, or an INVALID_ARGUMENT error naming the value.
 */
export function parseMasterAddress(text: string | undefined): Result<string> {
  const value = text?.trim() ?? '';
  if (value === '') return invalid('--master is required (HOST:PORT), or set MESOS_MASTER');
  if (/^zk:\/\//i.test(value)) return invalid(`--master '${value}': ZooKeeper addresses are not supported; give the HOST:PORT of a master`);
  if (/^file:\/\//i.test(value)) return invalid(`--master '${value}': file:// addresses are not supported; give the HOST:PORT of a master`);

  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  let url: URL;
  try {
    url = new URL(hasScheme ? value : `http://${value}`);
  } catch {
    return invalid(`--master '${value}' is not HOST:PORT or an http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return invalid(`--master '${value}': unsupported scheme '${url.protocol.slice(0, -1)}' (use http or https)`);
  if (url.hostname === '') return invalid(`--master '${value}' has no host`);
  if (url.username !== '' || url.password !== '') return invalid(`--master '${value}': credentials in the address are not supported`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return invalid(`--master '${value}' must not have a path; give HOST:PORT`);
  // `new URL` drops a scheme's default port and silently accepts none at all; Mesos masters listen on 5050.
  const explicitPort = /:(\d*)$/.exec(hasScheme ? value.replace(/\/$/, '') : value);
  if (explicitPort !== null && explicitPort[1] === '') return invalid(`--master '${value}' has an empty port`);
  if (url.port === '' && explicitPort === null) url.port = String(DEFAULT_MASTER_PORT);
  return ok(url.origin);
}
