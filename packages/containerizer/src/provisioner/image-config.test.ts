import { Environment_Variable_Type, type CommandInfo } from '@mesos-ts/proto';
import { computeImageLaunch, parseImageConfig, type ImageConfig } from './image-config';

const image = (entrypoint: string[], cmd: string[], extra: Partial<ImageConfig> = {}): ImageConfig => ({ entrypoint, cmd, env: [], ...extra });

function launch(command: CommandInfo, config: ImageConfig) {
  const result = computeImageLaunch(command, config);
  if (!result.ok) throw result.error;
  return result.value;
}

function failure(command: CommandInfo, config: ImageConfig): string {
  const result = computeImageLaunch(command, config);
  if (result.ok) throw new Error('expected an error');
  expect(result.error.code).toBe('INVALID_ARGUMENT');
  return result.error.message;
}

// Mesos's table in isolators/docker/runtime.cpp, row by row.
describe('computeImageLaunch: Mesos rules for CommandInfo and Entrypoint/Cmd', () => {
  const E = ['/ep', 'e1'];
  const C = ['/cmd', 'c1'];

  it('shell=false, no value, no arguments', () => {
    expect(failure({ shell: false }, image([], []))).toContain('No executable');
    expect(launch({ shell: false }, image([], C)).argv).toEqual(['/cmd', 'c1']);
    expect(launch({ shell: false }, image(E, [])).argv).toEqual(['/ep', 'e1']);
    const both = launch({ shell: false }, image(E, C));
    expect(both.argv).toEqual(['/ep', 'e1', '/cmd', 'c1']);
    expect(both.program).toBe('/ep');
    expect(both.command).toMatchObject({ shell: false, value: '/ep', arguments: ['/ep', 'e1', '/cmd', 'c1'] });
  });

  it('shell=false, no value, arguments: they replace Cmd (after Cmd[0] when there is no Entrypoint)', () => {
    const args = ['x', 'y'];
    expect(failure({ shell: false, arguments: args }, image([], []))).toContain('No executable');
    expect(launch({ shell: false, arguments: args }, image([], C)).argv).toEqual(['/cmd', 'x', 'y']);
    expect(launch({ shell: false, arguments: args }, image(E, [])).argv).toEqual(['/ep', 'e1', 'x', 'y']);
    expect(launch({ shell: false, arguments: args }, image(E, C)).argv).toEqual(['/ep', 'e1', 'x', 'y']);
  });

  it('shell=false with a value: the image is ignored', () => {
    for (const config of [image([], []), image([], C), image(E, []), image(E, C)]) {
      expect(launch({ shell: false, value: '/bin/run' }, config)).toMatchObject({ program: '/bin/run', argv: ['/bin/run'] });
      expect(launch({ shell: false, value: '/bin/run', arguments: ['run', '-v'] }, config)).toMatchObject({ program: '/bin/run', argv: ['run', '-v'] });
    }
  });

  it('shell=true (the default): /bin/sh -c value, or an error without a value', () => {
    for (const config of [image([], []), image([], C), image(E, []), image(E, C)]) {
      expect(launch({ value: 'echo hi' }, config)).toMatchObject({ program: '/bin/sh', argv: ['/bin/sh', '-c', 'echo hi'] });
      expect(launch({ shell: true, value: 'echo hi', arguments: ['ignored'] }, config).argv).toEqual(['/bin/sh', '-c', 'echo hi']);
      expect(failure({ shell: true }, config)).toContain('CommandInfo.value');
      expect(failure({ arguments: ['a'] }, config)).toContain('CommandInfo.value');
    }
  });

  it('environment: command over image over base; entries without = skipped', () => {
    const config = image([], C, { env: ['PATH=/image/bin', 'A=image', 'BROKEN', 'EQ=a=b'] });
    const result = computeImageLaunch(
      { value: 'true', environment: { variables: [{ name: 'A', value: 'command' }] } },
      config,
      { PATH: '/usr/bin', MESOS_SANDBOX: '/mnt/mesos/sandbox', A: 'base' },
    );
    expect(result.ok && result.value.environment).toEqual({ PATH: '/image/bin', MESOS_SANDBOX: '/mnt/mesos/sandbox', A: 'command', EQ: 'a=b' });
  });

  it('refuses secret variables and variables without a name', () => {
    const config = image([], C);
    expect(failure({ value: 'x', environment: { variables: [{ name: 'S', type: Environment_Variable_Type.SECRET }] } }, config)).toContain("'S'");
    expect(failure({ value: 'x', environment: { variables: [{ value: 'v' }] } }, config)).toContain('name');
  });

  it('working directory and user come from the image when set', () => {
    expect(launch({ value: 'x' }, image([], [], { workingDir: '/app', user: 'nobody' }))).toMatchObject({ workingDirectory: '/app', imageUser: 'nobody' });
    expect(launch({ value: 'x' }, image([], [])).workingDirectory).toBeUndefined();
  });
});

describe('parseImageConfig', () => {
  it('reads config, treats empty strings as absent and a string Cmd as sh -c', () => {
    const result = parseImageConfig({
      architecture: 'amd64',
      os: 'linux',
      config: { Entrypoint: null, Cmd: 'echo hi', Env: ['A=1'], WorkingDir: '', User: '' },
    });
    expect(result).toEqual({ ok: true, value: { entrypoint: [], cmd: ['/bin/sh', '-c', 'echo hi'], env: ['A=1'], architecture: 'amd64', os: 'linux' } });
  });

  it('falls back to container_config (old v1 layer JSON)', () => {
    const result = parseImageConfig({ container_config: { Cmd: ['/bin/sh'], WorkingDir: '/w' } });
    expect(result.ok && result.value).toMatchObject({ cmd: ['/bin/sh'], workingDir: '/w' });
  });

  it('names the bad field', () => {
    const bad = parseImageConfig({ config: { Entrypoint: [1] } });
    expect(!bad.ok && bad.error.message).toContain('config.Entrypoint');
    expect(parseImageConfig([]).ok).toBe(false);
    expect(parseImageConfig({ config: { Env: 'A=1' } }).ok).toBe(false);
  });
});
