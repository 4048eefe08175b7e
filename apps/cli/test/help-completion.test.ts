/**
 * `--help` of every command of the built binary (the list comes from the program itself, so a new command is
 * covered without touching this file), and the bash completion script sourced in a real bash.
 */
import { execFileSync } from 'node:child_process';
import { createProgram } from '../src/program';
import { completionTree } from '../src/commands/completion';
import { APP, buildCli, runMesos } from './processes';

jest.setTimeout(120_000);

const context = { env: {}, stdout: { write: () => undefined }, stderr: { write: () => undefined }, user: 'u', readFile: () => '' };
const paths = completionTree(createProgram(context, () => undefined)).map((n) => n.path);

beforeAll(() => buildCli());

describe('--help', () => {
  it('covers every command, groups and leaves', () => {
    expect(paths).toEqual(expect.arrayContaining(['', 'agent list', 'framework list', 'task list', 'task log', 'state', 'execute', 'quota get', 'quota update', 'weights get', 'weights update', 'reserve', 'unreserve', 'volume create', 'volume destroy', 'maintenance schedule get', 'maintenance schedule set', 'maintenance drain', 'maintenance down', 'maintenance up', 'maintenance status', 'explain', 'completion']));
  });

  it.each(paths)("'mesos %s --help' prints its usage and exits 0", async (path) => {
    const args = path === '' ? [] : path.split(' ');
    const run = await runMesos([...args, '--help']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^Usage: ${['mesos', ...args].join(' ')} `));
  });
});

describe('mesos completion', () => {
  const bash = (script: string): string => execFileSync('bash', ['-c', script], { cwd: APP, encoding: 'utf8' });
  const complete = (line: string): string =>
    bash(`source <(node dist/main.js completion bash)
COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
[[ "${line}" == *" " ]] && { COMP_WORDS+=(""); COMP_CWORD=\${#COMP_WORDS[@]}; COMP_CWORD=$((COMP_CWORD - 1)); }
_mesos; echo "\${COMPREPLY[*]}"`).trim();

  it('registers a completion function for mesos in bash', () => {
    expect(bash('source <(node dist/main.js completion bash); complete -p mesos').trim()).toBe('complete -F _mesos mesos');
  });

  it('completes commands, subcommands and flags from the program', () => {
    expect(complete('mesos ma')).toBe('maintenance');
    expect(complete('mesos maintenance d')).toBe('drain down deactivate');
    expect(complete('mesos task list --a')).toBe('--all');
    expect(complete('mesos --master x quota update eng --g')).toBe('--guarantee');
    expect(bash(`source <(node dist/main.js completion bash); compgen -W "$(_mesos_subcommands 'volume')" -- c`).trim()).toBe('create');
  });

  it('prints a zsh script that loads the same function through bashcompinit', async () => {
    const run = await runMesos(['completion', 'zsh']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^#compdef mesos\n/);
    expect(run.stdout).toContain('bashcompinit');
    expect(run.stdout).toContain('complete -F _mesos mesos');
  });
});
