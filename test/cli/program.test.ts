// Proves the top-level error handler gives one line (code for MailsimError, a MAILSIM_DEBUG hint otherwise) and that exit codes follow verdict vs expect.
import { describe, expect, it } from 'vitest';
import { MailsimError } from '../../core/errors.ts';
import { buildProgram, describeError } from '../../cli/commands/program.ts';
import { BENCH_NAMES } from '../../cli/commands/bench.ts';
import { exitCodeFor } from '../../cli/commands/exitCodes.ts';

describe('describeError', () => {
  it('prints a MailsimError as one line with its code', () => {
    const line = describeError(new MailsimError('E_SCENARIO', 'x.yaml: workload.opsMax: expected a number\nmore', {}), false);
    expect(line).toBe("mailsim: x.yaml: workload.opsMax: expected a number (and 1 more) [E_SCENARIO]");
  });

  it('prints an unexpected error as one line with the debug hint, no stack', () => {
    const line = describeError(new TypeError('boom'), false);
    expect(line).toContain('TypeError: boom');
    expect(line).toContain('MAILSIM_DEBUG=1');
    expect(line).not.toContain('\n');
  });

  it('prints the stack when debugging', () => {
    expect(describeError(new Error('boom'), true)).toContain('at ');
  });
});

describe('exitCodeFor', () => {
  it('is 0 when every verdict is what was expected, controls included', () => {
    expect(exitCodeFor([{ verdict: 'valid', expect: 'valid' }, { verdict: 'invalid', expect: 'invalid' }])).toBe(0);
  });

  it('is 1 when a verdict is not what was expected', () => {
    expect(exitCodeFor([{ verdict: 'valid', expect: 'valid' }, { verdict: 'valid', expect: 'invalid' }])).toBe(1);
    expect(exitCodeFor([{ verdict: 'invalid', expect: 'valid' }])).toBe(1);
  });

  it('is 2 when a verdict is unknown, even beside a mismatch', () => {
    expect(exitCodeFor([{ verdict: 'invalid', expect: 'valid' }, { verdict: 'unknown', expect: 'valid' }])).toBe(2);
  });

  it('is 0 for an empty sweep', () => {
    expect(exitCodeFor([])).toBe(0);
  });
});

describe('describeError on several problems', () => {
  it('keeps one line and counts the rest', () => {
    const line = describeError(new MailsimError('E_SCENARIO', 'a.yaml:3: servers: bad\na.yaml:9: seed: bad', {}), false);
    expect(line).toBe('mailsim: a.yaml:3: servers: bad (and 1 more) [E_SCENARIO]');
  });
});

describe('mailsim bench help', () => {
  it('names every benchmark there is, in the description and in the choices', async () => {
    const program = await buildProgram(() => undefined, '0.0.0');
    const bench = program.commands.find((command) => command.name() === 'bench');
    const help = bench?.helpInformation() ?? '';
    expect(BENCH_NAMES).toEqual(['store', 'merge', 'cluster', 'sweep', 'wire', 'dsync', 'start', 'clients', 'find']);
    expect(help.replace(/\s+/g, ' ')).toContain(`measure speed and bytes: ${BENCH_NAMES.join(', ')}`);
    for (const name of BENCH_NAMES) expect(help).toContain(`"${name}"`);
  });
});
