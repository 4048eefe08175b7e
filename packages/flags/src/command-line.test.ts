import { defineFlags, resolveCommandLine } from './index';

const spec = defineFlags({
  port: { type: 'integer', help: 'Port to listen on.', default: 5050 },
  work_dir: { type: 'string', help: 'Work directory.', required: true },
});

describe('resolveCommandLine', () => {
  it('runs with the loaded flags', () => {
    const next = resolveCommandLine(spec, { programName: 'mesos-master', argv: ['--work_dir=/w'], env: { MESOS_PORT: '5051' } });
    expect(next.action).toBe('run');
    if (next.action === 'run') expect(next.loaded.flags).toEqual({ help: false, port: 5051, work_dir: '/w' });
  });

  it('prints the help and exits 0, even when required flags are missing or others are wrong', () => {
    for (const argv of [['--help'], ['--help', '--port=x'], ['--bogus', '--help']]) {
      const next = resolveCommandLine(spec, { programName: 'mesos-master', argv });
      expect(next).toMatchObject({ action: 'exit', exitCode: 0, stream: 'stdout' });
      if (next.action === 'exit') {
        expect(next.text.startsWith('Usage: mesos-master [options]\n\n')).toBe(true);
        expect(next.text.endsWith('Work directory.\n\n')).toBe(true);
      }
    }
  });

  it('prints the error and a pointer to --help on stderr and exits 1', () => {
    expect(resolveCommandLine(spec, { programName: 'mesos-master', argv: ['--work_dir=/w', '--port=http'] })).toEqual({
      action: 'exit',
      exitCode: 1,
      stream: 'stderr',
      text: "Failed to load flag 'port': Failed to load value 'http': Failed to convert into required type\n\nSee `mesos-master --help` for a list of supported flags.\n",
    });
    expect(resolveCommandLine(spec, { programName: 'mesos-agent', argv: [] })).toMatchObject({
      exitCode: 1,
      text: "Flag 'work_dir' is required, but it was not provided\n\nSee `mesos-agent --help` for a list of supported flags.\n",
    });
  });

  it('uses a custom usage line for --help', () => {
    const next = resolveCommandLine(spec, { programName: 'mesos', argv: ['--help'], usage: 'Usage: mesos <command> [OPTIONS]' });
    expect(next.action === 'exit' && next.text.startsWith('Usage: mesos <command> [OPTIONS]\n\n')).toBe(true);
  });
});
