import { Environment_Variable_Type, Value_Type, type Resource } from '@mesos-ts/proto';
import type { ContainerConfig } from '../types';
import { buildEnvironment, buildLaunchSpec, containerLimits } from './launch-spec';

const base: ContainerConfig = {
  containerId: 'c1',
  command: { value: 'echo hi' },
  environment: { PATH: '/bin' },
  sandbox: '/tmp/sandbox',
  resources: [],
};

function message(config: unknown): string {
  const spec = buildLaunchSpec(config as ContainerConfig);
  if (spec.ok) throw new Error('expected an error');
  expect(spec.error.code).toBe('INVALID_ARGUMENT');
  return spec.error.message;
}

describe('buildLaunchSpec', () => {
  it('runs shell commands as sh -c value (the default)', () => {
    expect(buildLaunchSpec(base)).toEqual({
      ok: true,
      value: { file: '/bin/sh', argv0: 'sh', args: ['-c', 'echo hi'], env: { PATH: '/bin' } },
    });
  });

  it('executes value with arguments as argv when shell is false', () => {
    const command = { shell: false, value: '/bin/ls', arguments: ['ls', '-l', '/'] };
    const spec = buildLaunchSpec({ ...base, command });
    expect(spec.ok && spec.value).toMatchObject({ file: '/bin/ls', argv0: 'ls', args: ['-l', '/'] });
    const bare = buildLaunchSpec({ ...base, command: { shell: false, value: '/bin/true' } });
    expect(bare.ok && bare.value).toMatchObject({ file: '/bin/true', argv0: '/bin/true', args: [] });
  });

  it("takes the command's user over the config's", () => {
    const configUser = buildLaunchSpec({ ...base, user: 'a' });
    expect(configUser.ok && configUser.value.user).toBe('a');
    const spec = buildLaunchSpec({ ...base, user: 'a', command: { value: 'x', user: 'b' } });
    expect(spec.ok && spec.value.user).toBe('b');
    const none = buildLaunchSpec(base);
    expect(none.ok && Object.keys(none.value)).not.toContain('user');
  });

  it.each<[string, unknown, RegExp]>([
    ['no config', null, /container config must be an object/],
    ['empty id', { ...base, containerId: '' }, /containerId must be a non-empty string/],
    ['empty sandbox', { ...base, sandbox: '' }, /sandbox of container 'c1'/],
    ['no command', { ...base, command: undefined }, /command must be a CommandInfo/],
    ['no value', { ...base, command: { shell: true } }, /command.value must be a non-empty string/],
    ['NUL in value', { ...base, command: { value: 'a\0b' } }, /command.value must not contain NUL/],
    ['non-boolean shell', { ...base, command: { value: 'x', shell: 'yes' } }, /command.shell must be a boolean/],
    ['bad arguments', { ...base, command: { value: 'x', shell: false, arguments: [1] } }, /command.arguments/],
    ['empty user', { ...base, user: '' }, /user must be a non-empty string/],
    ['bad environment', { ...base, environment: { 'A=B': 'x' } }, /invalid name 'A=B'/],
  ])('refuses %s', (_, config, expected) => {
    expect(message(config)).toMatch(expected);
  });
});

describe('buildEnvironment', () => {
  it('lays the command variables over the agent ones (VALUE by default)', () => {
    const env = buildEnvironment(
      { A: '1', B: '2' },
      {
        environment: {
          variables: [
            { name: 'B', value: 'x' },
            { name: 'C', type: Environment_Variable_Type.VALUE, value: '' },
          ],
        },
      },
    );
    expect(env).toEqual({ ok: true, value: { A: '1', B: 'x', C: '' } });
  });

  it.each<[string, unknown, RegExp]>([
    ['a secret', { name: 'S', type: Environment_Variable_Type.SECRET, secret: {} }, /\[0\] \('S'\) is a SECRET/],
    ['an unknown type', { name: 'U', type: Environment_Variable_Type.UNKNOWN, value: 'v' }, /unsupported type 0/],
    ['a missing value', { name: 'V' }, /\('V'\) of type VALUE needs a value/],
    ['a missing name', { value: 'v' }, /variables\[0\] needs a non-empty name/],
    ['a NUL in the value', { name: 'N', value: 'a\0' }, /\('N'\) must not contain NUL/],
  ])('refuses %s', (_, variable, expected) => {
    const env = buildEnvironment({}, { environment: { variables: [variable as never] } });
    expect(!env.ok && env.error.message).toMatch(expected);
  });

  it('refuses a non-string agent variable, naming it', () => {
    const env = buildEnvironment({ X: 1 as unknown as string }, {});
    expect(!env.ok && env.error.message).toMatch(/'X' must be a string/);
  });
});

describe('containerLimits', () => {
  const scalar = (name: string, value: number): Resource => ({ name, type: Value_Type.SCALAR, scalar: { value } });

  it('sums cpus and mem (MB to bytes) in fixed point, ignoring the rest', () => {
    const resources = [scalar('cpus', 0.1), scalar('cpus', 0.2), scalar('mem', 32), scalar('mem', 0.5), scalar('disk', 9)];
    expect(containerLimits(resources)).toEqual({
      cpus: 0.3,
      memBytes: 32n * 1024n * 1024n + 512n * 1024n,
    });
  });

  it('leaves out what the resources do not set', () => {
    expect(containerLimits([])).toEqual({});
    expect(containerLimits([{ name: 'cpus' }])).toEqual({});
  });
});
