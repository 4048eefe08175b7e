import { devicesAllow, formatDeviceEntry, parseDeviceEntry, parseDevicesList } from './devices';

describe('devices cgroup entries', () => {
  it('parses and formats entries as the kernel writes them', () => {
    for (const text of ['c 195:0 rwm', 'b *:* m', 'c 136:* rwm', 'a *:* rwm', 'c 1:3 r']) {
      const entry = parseDeviceEntry(text);
      if (typeof entry === 'string') throw new Error(entry);
      expect(formatDeviceEntry(entry)).toBe(text);
    }
    expect(parseDeviceEntry('c 195:255 rw')).toEqual({ type: 'c', major: 195, minor: 255, access: { read: true, write: true, mknod: false } });
  });

  it('names what is wrong', () => {
    expect(parseDeviceEntry('x 1:3 rwm')).toContain("is not of the form '<a|c|b> <major>:<minor> <rwm>'");
    expect(parseDeviceEntry('c one:3 rwm')).toBe("major 'one' of device entry 'c one:3 rwm' is not a number or '*'");
    expect(parseDeviceEntry('c 1:3 rrw')).toContain('repeats an access letter');
    expect(parseDeviceEntry('c 1:99999999 rwm')).toContain('out of range');
    expect(parseDeviceEntry('a 1:3 rwm')).toContain("of type 'a' must be 'a *:* <access>'");
    expect(() => formatDeviceEntry({ type: 'c', major: 1, minor: 3, access: { read: false, write: false, mknod: false } })).toThrow('grants no access');
    expect(() => parseDevicesList('c 1:3 rwm\nnonsense\n')).toThrow('Unexpected line in devices.list');
  });

  it('answers whether a list allows a device', () => {
    const list = parseDevicesList('c 1:3 rwm\nc 136:* rw\nb *:* m\n');
    expect(devicesAllow(list, 'c', 1, 3, 'r')).toBe(true);
    expect(devicesAllow(list, 'c', 136, 7, 'w')).toBe(true);
    expect(devicesAllow(list, 'c', 136, 7, 'm')).toBe(false);
    expect(devicesAllow(list, 'c', 195, 0, 'r')).toBe(false);
    expect(devicesAllow(list, 'b', 8, 0, 'm')).toBe(true);
    expect(devicesAllow(parseDevicesList('a *:* rwm'), 'c', 195, 0, 'r')).toBe(true);
  });
});
