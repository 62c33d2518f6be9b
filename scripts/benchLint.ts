// Times the secret rules on a generated 500-cell notebook (code and markdown cells, outputs on most code
// cells, a few secrets), and prints the median of 7 runs after one warm-up. Run it with
// `node --import tsx scripts/benchLint.ts`.
import { performance } from 'node:perf_hooks';
import { lintNotebook } from '../src/core/lint';
import { lintSecrets } from '../src/core/lint/secretRules';
import type { LintCell, LintNotebook } from '../src/core/lint/types';
import { median } from './benchUtil';

const CELLS = 500;
const RUNS = 7;

/** A notebook that looks like a long analysis: imports, queries, plots, prose, tables and tracebacks. */
export function benchNotebook(cells = CELLS): LintNotebook {
  const out: LintCell[] = [];
  for (let i = 0; i < cells; i++) {
    if (i % 3 === 2) {
      out.push({ kind: 'markdown', source: prose(i), tags: [], outputs: [] });
      continue;
    }
    out.push({ kind: 'code', source: code(i), tags: i === 1 ? ['parameters'] : [], outputs: outputs(i) });
  }
  return { cells: out, language: 'python' };
}

function prose(i: number): string {
  return `## Step ${i}\n\nWe group the sales by region and compare them with last month's figures. See the [wiki](https://wiki.acme.io/sales/${i}) for the definitions, and the table below for the totals.\n`;
}

function code(i: number): string {
  const secret =
    i % 97 === 0
      ? `\napi_key = "k3y-${i}-Zq81xPw"\ntoken = "ghp_${'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5'.slice(0, 36)}"`
      : '';
  return [
    'import pandas as pd',
    `df_${i} = pd.read_sql("select region, sum(amount) from sales where month = :m group by 1", engine, params={"m": month})`,
    `df_${i}["share"] = df_${i}["sum"] / df_${i}["sum"].sum()`,
    `ax = df_${i}.plot.bar(x="region", y="share", title="Share of sales, step ${i}")`,
    `password = os.environ["DB_PASSWORD"]  # read from the environment${secret}`,
  ].join('\n');
}

function outputs(i: number): LintCell['outputs'] {
  const rows = Array.from(
    { length: 20 },
    (_, r) => `${r}  region_${r}  ${(r * 1234.5 + i).toFixed(2)}  0.${r}${i}`,
  );
  const list = [{ index: 0, text: `   region      sum  share\n${rows.join('\n')}\n` }];
  if (i % 10 === 0) {
    list.push({ index: 1, text: `<table>${rows.map((r) => `<tr><td>${r}</td></tr>`).join('')}</table>` });
  }
  if (i % 50 === 0) {
    list.push({
      index: 2,
      text: `KeyError: 'region'\nTraceback (most recent call last)\n  File "cell-${i}", line 3\nKeyError: 'region'`,
    });
  }
  return list;
}

/** Medians of the secret rules alone and of the whole lint (header and secret rules), as one printed line each. */
export async function benchLint(): Promise<string[]> {
  const nb = benchNotebook();
  const chars = nb.cells.reduce(
    (n, c) => n + c.source.length + c.outputs.reduce((m, o) => m + o.text.length, 0),
    0,
  );
  const findings = await lintSecrets(nb); // warm-up: JIT, and secretlint's first load
  const all = await lintNotebook(nb);
  const secrets: number[] = [];
  const whole: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t0 = performance.now();
    await lintSecrets(nb);
    secrets.push(performance.now() - t0);
    t0 = performance.now();
    await lintNotebook(nb);
    whole.push(performance.now() - t0);
  }
  const what = `${CELLS} cells (${Math.round(chars / 1000)} k characters)`;
  return [
    `lintSecrets, ${what}, ${findings.length} findings: median ${median(secrets).toFixed(1)} ms of ${RUNS} runs`,
    `lintNotebook (header and secret rules), ${what}, ${all.length} findings: median ${median(whole).toFixed(1)} ms of ${RUNS} runs`,
  ];
}

async function main(): Promise<void> {
  for (const line of await benchLint()) console.log(line);
}

if (process.argv[1]?.endsWith('benchLint.ts')) void main();
