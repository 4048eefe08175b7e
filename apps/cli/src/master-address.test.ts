import { parseMasterAddress } from './master-address';

describe('parseMasterAddress', () => {
  it.each([
    ['127.0.0.1:5050', 'http://127.0.0.1:5050'],
    ['master.example', 'http://master.example:5050'],
    ['  localhost:6000 ', 'http://localhost:6000'],
    ['[::1]:5051', 'http://[::1]:5051'],
    ['[::1]', 'http://[::1]:5050'],
    ['http://10.0.0.1:5050', 'http://10.0.0.1:5050'],
    ['http://10.0.0.1:5050/', 'http://10.0.0.1:5050'],
    ['https://mesos.example', 'https://mesos.example:5050'],
    ['https://mesos.example:443', 'https://mesos.example'],
  ])('%s -> %s', (input, url) => {
    expect(parseMasterAddress(input)).toEqual({ ok: true, value: url });
  });

  it.each([
    [undefined, '--master is required (HOST:PORT), or set MESOS_MASTER'],
    ['', '--master is required (HOST:PORT), or set MESOS_MASTER'],
    ['zk://10.0.0.1:2181/mesos', "--master 'zk://10.0.0.1:2181/mesos': ZooKeeper addresses are not supported; give the HOST:PORT of a master"],
    ['file:///etc/mesos/master', "--master 'file:///etc/mesos/master': file:// addresses are not supported; give the HOST:PORT of a master"],
    ['host:abc', "--master 'host:abc' is not HOST:PORT or an http(s) URL"],
    ['host:99999', "--master 'host:99999' is not HOST:PORT or an http(s) URL"],
    ['host:', "--master 'host:' has an empty port"],
    ['ftp://host:21', "--master 'ftp://host:21': unsupported scheme 'ftp' (use http or https)"],
    ['http://host:5050/api', "--master 'http://host:5050/api' must not have a path; give HOST:PORT"],
    ['http://u:p@host:5050', "--master 'http://u:p@host:5050': credentials in the address are not supported"],
  ])('rejects %p', (input, message) => {
    const result = parseMasterAddress(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_ARGUMENT');
      expect(result.error.message).toBe(message);
    }
  });
});
