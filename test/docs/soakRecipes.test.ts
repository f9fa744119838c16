// Proves the soak recipes a user copies (docs/nightly-soak.yml, docs/k8s-soak.yaml) parse as YAML, shard the sweep 10 ways under a time budget that fits the slot, and run only real mailsim subcommands with options (and values) the CLI accepts.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { parseSeedCount } from '../../cli/commands/options.ts';
import { parseTimeBudget } from '../../cli/timeBudget.ts';
import { mailsim, REPO_ROOT } from '../e2e/mailsim.ts';

interface MailsimCommand {
  readonly subcommand: string;
  readonly words: readonly string[];
}

const SHARD_COUNT = 10;
const SHELL_STOPS = new Set(['>', '>>', '|', '&&', '||', ';']);

const readDoc = (name: string): string => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

/**
 * The mailsim commands a shell script runs: lines starting with `npx mailsim` or `mailsim`,
 * continuation lines joined, cut at the first redirection or pipe. A GitHub expression
 * (`${{ matrix.shard }}`) is squeezed into one word, `${{matrix.shard}}`.
 */
function mailsimCommands(script: string): MailsimCommand[] {
  const text = script.replace(/\$\{\{([^}]*)\}\}/g, (_, expression: string) => `\${{${expression.replace(/\s+/g, '')}}}`).replace(/\\\n/g, ' ');
  return text.split('\n').map((line) => line.trim()).filter((line) => /^(npx )?mailsim /.test(line)).map((line) => {
    const words = line.split(/\s+/).filter((word) => word !== 'npx');
    const end = words.findIndex((word) => SHELL_STOPS.has(word));
    const command = (end === -1 ? words : words.slice(0, end)).slice(1);
    return { subcommand: command[0] ?? '', words: command.slice(1) };
  });
}

function optionValue(command: MailsimCommand, option: string): string | undefined {
  const index = command.words.indexOf(option);
  return index === -1 ? undefined : command.words[index + 1];
}

/** Every subcommand exists and every --option it is given is in that subcommand's --help. */
async function expectAcceptedByCli(commands: readonly MailsimCommand[]): Promise<void> {
  const top = await mailsim(['--help']);
  expect(top.code).toBe(0);
  const helps = new Map<string, string>();
  for (const command of commands) {
    expect(top.stdout, `mailsim ${command.subcommand}`).toMatch(new RegExp(`^  ${command.subcommand} `, 'm'));
    if (!helps.has(command.subcommand)) {
      const help = await mailsim([command.subcommand, '--help']);
      expect(help.code).toBe(0);
      helps.set(command.subcommand, help.stdout);
    }
    for (const option of command.words.filter((word) => word.startsWith('--'))) {
      expect(helps.get(command.subcommand), `mailsim ${command.subcommand} ${option}`).toMatch(new RegExp(`(^|\\s)${option}[\\s<]`, 'm'));
    }
  }
}

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, string>;
}

interface WorkflowJob {
  readonly needs?: string;
  readonly if?: string;
  readonly 'timeout-minutes': number;
  readonly strategy?: { readonly matrix: { readonly scenario: string[]; readonly shard: number[] } };
  readonly steps: readonly Step[];
}

describe('docs/nightly-soak.yml', () => {
  const workflow = parse(readDoc('nightly-soak.yml')) as { on: Record<string, unknown>; jobs: Record<string, WorkflowJob> };
  const sweep = workflow.jobs.sweep as WorkflowJob;
  const merge = workflow.jobs.merge as WorkflowJob;
  const commandsOf = (job: WorkflowJob): MailsimCommand[] => job.steps.flatMap((step) => mailsimCommands(step.run ?? ''));

  it('runs nightly by cron and on demand', () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }]);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
  });

  it('shards each swarm scenario 10 ways, every sweep with --shard and a --time-budget inside the job timeout', () => {
    expect(sweep.strategy?.matrix.shard).toEqual(Array.from({ length: SHARD_COUNT }, (_, index) => index));
    expect(sweep.strategy?.matrix.scenario).toEqual(['swarm-5', 'wan-two-sites']);
    for (const scenario of sweep.strategy?.matrix.scenario ?? []) expect(existsSync(join(REPO_ROOT, 'scenarios', `${scenario}.yaml`))).toBe(true);
    const sweeps = commandsOf(sweep).filter((command) => command.subcommand === 'sweep');
    expect(sweeps).toHaveLength(1);
    for (const command of sweeps) {
      expect(command.words[0]).toBe('scenarios/${{matrix.scenario}}.yaml');
      expect(optionValue(command, '--shard')).toBe(`\${{matrix.shard}}/${SHARD_COUNT}`);
      expect(parseSeedCount(optionValue(command, '--seeds') ?? '')).toBe(10_000);
      expect(parseTimeBudget(optionValue(command, '--time-budget') ?? '')).toBeLessThan(sweep['timeout-minutes'] * 60_000);
    }
  });

  it('uploads each shard under the name of its --out folder, which the merge job downloads back into place', () => {
    const upload = sweep.steps.find((step) => step.uses?.startsWith('actions/upload-artifact') === true);
    const sweepStep = sweep.steps.find((step) => step.run?.includes('mailsim sweep') === true);
    expect(upload?.with?.path).toBe(`soak/${upload?.with?.name}`);
    expect(sweepStep?.run).toContain(`out=${upload?.with?.path}\n`);
    const download = merge.steps.find((step) => step.uses?.startsWith('actions/download-artifact') === true);
    expect(download?.with).toMatchObject({ pattern: '*-shard-*', path: 'soak/' });
  });

  it('merges the shards with mailsim report after every shard, even failed ones, and keeps the failure list', () => {
    expect(merge).toMatchObject({ needs: 'sweep', if: 'always()' });
    const reports = commandsOf(merge).filter((command) => command.subcommand === 'report');
    expect(reports).toHaveLength(1);
    expect(reports[0]?.words).toEqual(expect.arrayContaining(['soak/', '--html', '--md', '--json']));
    const uploadReport = merge.steps.find((step) => step.uses?.startsWith('actions/upload-artifact') === true);
    expect(uploadReport?.with?.path).toContain('soak/*/failures/');
    expect(merge.steps.some((step) => step.run?.includes('soak-report/failures.txt') === true && step.run.includes('mailsim replay'))).toBe(true);
  });

  it('runs only subcommands and options the CLI accepts', async () => {
    const commands = [...commandsOf(sweep), ...commandsOf(merge)];
    expect(commands.map((command) => command.subcommand).sort()).toEqual(['report', 'sweep']);
    await expectAcceptedByCli(commands);
  });
});

interface K8sDoc {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly completionMode?: string;
    readonly completions?: number;
    readonly parallelism?: number;
    readonly activeDeadlineSeconds?: number;
    readonly template?: {
      readonly spec: {
        readonly containers: readonly { readonly args: readonly string[]; readonly volumeMounts: readonly { name: string; mountPath: string }[] }[];
        readonly volumes: readonly { readonly name: string; readonly persistentVolumeClaim?: { readonly claimName: string } }[];
      };
    };
  };
}

describe('docs/k8s-soak.yaml', () => {
  const text = readDoc('k8s-soak.yaml');
  const docs = parseAllDocuments(text).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as K8sDoc;
  });
  const job = docs.find((doc) => doc.kind === 'Job') as K8sDoc;
  const claim = docs.find((doc) => doc.kind === 'PersistentVolumeClaim') as K8sDoc;
  const pod = job.spec.template?.spec;
  const script = pod?.containers[0]?.args.join('\n') ?? '';

  it('is an Indexed Job of 10 completions writing to a PersistentVolumeClaim it defines', () => {
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: SHARD_COUNT });
    expect(job.spec.parallelism).toBeGreaterThanOrEqual(1);
    const volume = pod?.volumes.find((v) => v.persistentVolumeClaim !== undefined);
    expect(volume?.persistentVolumeClaim?.claimName).toBe(claim.metadata.name);
    expect(pod?.containers[0]?.volumeMounts).toContainEqual({ name: volume?.name, mountPath: '/results' });
  });

  it('runs every sweep with --shard auto/10 and budgets that fit the Job deadline', () => {
    const sweeps = mailsimCommands(script).filter((command) => command.subcommand === 'sweep');
    expect(sweeps).toHaveLength(1);
    const scenarios = /for scenario in ([^;]+); do/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    expect(scenarios).toEqual(['swarm-5', 'wan-two-sites']);
    for (const scenario of scenarios) expect(existsSync(join(REPO_ROOT, 'scenarios', `${scenario}.yaml`))).toBe(true);
    // On the shared volume, so every pod's results (and failure-file paths) land on the claim.
    expect(script).toMatch(/^\s*out="\/results\/\$scenario\/shard-\$JOB_COMPLETION_INDEX"$/m);
    for (const command of sweeps) {
      expect(optionValue(command, '--shard')).toBe(`auto/${SHARD_COUNT}`);
      expect(optionValue(command, '--out')).toBe('"$out"');
      const budgetMs = parseTimeBudget(optionValue(command, '--time-budget') ?? '');
      expect(budgetMs * scenarios.length).toBeLessThan((job.spec.activeDeadlineSeconds ?? 0) * 1000);
    }
  });

  it('says how to merge with mailsim report, and runs only subcommands and options the CLI accepts', async () => {
    const comments = text.split('\n').filter((line) => line.startsWith('#')).map((line) => line.replace(/^# ?/, '')).join('\n');
    const merges = mailsimCommands(comments).filter((command) => command.subcommand === 'report');
    expect(merges).toHaveLength(1);
    expect(merges[0]?.words[0]).toBe('/results');
    await expectAcceptedByCli([...mailsimCommands(script), ...merges]);
  });
});
