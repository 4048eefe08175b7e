import { Resources } from '@mesos-ts/resources';
import { parsePid } from './agents';
import { packIp } from './master';
import { resourcesJson } from './state';

describe('state JSON pieces', () => {
  it("models resources as Mesos's json(Resources) does", () => {
    const r = Resources.mustParse('cpus:1.5;mem:128;ports:[31000-31005,31006-32000,33000-33001];zones:{b,a};cpus(web):0.5');
    expect(resourcesJson(r)).toEqual({ cpus: 2, gpus: 0, mem: 128, disk: 0, ports: '[31000-32000, 33000-33001]', zones: '{a, b}' });
    expect(resourcesJson(Resources.EMPTY)).toEqual({ cpus: 0, gpus: 0, mem: 0, disk: 0 });
  });

  it('parses agent pids and packs IPs as libprocess stores them', () => {
    expect(parsePid('slave(1)@10.0.0.7:5051')).toEqual({ id: 'slave(1)', ip: '10.0.0.7', port: 5051 });
    expect(parsePid('slave(1)@[::1]:5051')).toEqual({ id: 'slave(1)', ip: '::1', port: 5051 });
    expect(parsePid('slave(1)@host:99999')).toBeUndefined();
    expect(parsePid('no-at-sign')).toBeUndefined();
    expect(packIp('127.0.0.1')).toBe(16777343);
    expect(packIp('::1')).toBe(0);
  });
});
